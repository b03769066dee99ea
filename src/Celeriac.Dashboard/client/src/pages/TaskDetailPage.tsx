// One task: every field, the traceback, the state timeline, its family (parent, children, root), the graph
// of its whole workflow, and the actions. Refreshes live when this task or one in its workflow changes.
import { ComponentChildren } from "preact";
import { ActionBar } from "../components/TaskActions";
import { LoadState } from "../components/Status";
import { StateBadge } from "../components/StateBadge";
import { TaskTable } from "../components/TaskTable";
import { WorkflowGraph } from "../components/WorkflowGraph";
import { apiUrl } from "../lib/api";
import { formatDuration, formatTime, prettyPayload } from "../lib/format";
import { href, taskHref } from "../lib/router";
import { useCanAct } from "../lib/session";
import type { TaskDetail, TaskRow } from "../lib/types";
import { useApi } from "../lib/useApi";

/** Fields shown in the summary list, in this order; the rest (anything else the API sends) follow. */
const Summary = ["id", "name", "state", "worker", "queue", "root_id", "parent_id", "group_id", "retries", "runtime",
  "first_seen", "received", "started", "finished", "updated", "eta", "expires"];
const Payloads = ["args", "kwargs", "result", "exception"];
const Times = new Set(["first_seen", "received", "started", "finished", "updated", "eta", "expires"]);

export function TaskDetailPage({ id }: { id: string }) {
  const { data, error, loading } = useApi<TaskDetail>(apiUrl("tasks/" + encodeURIComponent(id)), {
    relevant: (change): boolean => change.tasks.includes(id) || (data?.children ?? []).some((c) => change.tasks.includes(c.id)),
  });
  const canAct = useCanAct();
  const task = data?.task;

  return (
    <section aria-labelledby="task-title">
      <p class="crumbs"><a href="#/tasks">← Tasks</a></p>
      <LoadState loading={loading && !data} error={error} />
      {task && (
        <article data-testid="task-detail" data-task-id={task.id} data-state={task.state ?? ""}>
          <div class="page-head">
            <h1 id="task-title">{task.name ?? "Task"} <StateBadge state={task.state} /></h1>
            {canAct && <ActionBar detail={data!} />}
          </div>
          {data!.result_source === "backend" && (
            <p class="notice">The result below was read from the result backend (the events carried only a shortened copy).</p>
          )}
          <dl class="fields">
            {Summary.filter((f) => task[f] !== undefined && task[f] !== null).map((f) => (
              <Field key={f} name={f}>{renderValue(f, task)}</Field>
            ))}
            {Object.keys(task).filter((f) => !Summary.includes(f) && !Payloads.includes(f) && f !== "traceback" && task[f] !== null && task[f] !== undefined)
              .map((f) => <Field key={f} name={f}>{String(typeof task[f] === "object" ? JSON.stringify(task[f]) : task[f])}</Field>)}
          </dl>
          {Payloads.map((f) => (task[f] !== undefined && task[f] !== null && task[f] !== "") && (
            <section class="payload-block" key={f} aria-labelledby={"h-" + f}>
              <h2 id={"h-" + f}>{Label[f] ?? f}</h2>
              <pre data-testid={"task-field-" + f} tabIndex={0}>{prettyPayload(task[f])}</pre>
            </section>
          ))}
          {task.traceback && (
            <section class="payload-block" aria-labelledby="h-traceback">
              <h2 id="h-traceback">Traceback</h2>
              <pre data-testid="task-traceback" class="traceback" tabIndex={0}>{task.traceback}</pre>
            </section>
          )}
          {data!.backend && <BackendBlock backend={data!.backend} result={task.result} />}
          <section aria-labelledby="h-timeline">
            <h2 id="h-timeline">Timeline</h2>
            <ol class="timeline" data-testid="task-timeline">
              {data!.timeline.map((e, i) => (
                <li key={i}>
                  <time dateTime={e.at}>{formatTime(e.at)}</time> <StateBadge state={e.state} />
                  {e.worker && <span class="mono"> on {e.worker}</span>}
                  {e.detail && <span class="sub"> {e.detail}</span>}
                </li>
              ))}
              {data!.timeline.length === 0 && <li>No events recorded for this task.</li>}
            </ol>
          </section>
          <section aria-labelledby="h-workflow">
            <h2 id="h-workflow">Workflow</h2>
            <p class="family">
              {task.root_id && task.root_id !== task.id ? <>Root: <a href={taskHref(task.root_id)} class="mono">{task.root_id}</a>. </> : "This task is its workflow's root. "}
              {task.parent_id && <>Parent: <a href={taskHref(task.parent_id)} class="mono">{task.parent_id}</a>. </>}
              <a href={href("/tasks", { root_id: task.root_id ?? task.id })}>All tasks of this workflow</a>
            </p>
            <WorkflowGraph rootId={task.root_id ?? task.id} currentId={task.id} />
          </section>
          {(data!.children?.length ?? 0) > 0 && (
            <section aria-labelledby="h-children">
              <h2 id="h-children">Children</h2>
              <TaskTable tasks={data!.children!} caption="Tasks this task started" />
            </section>
          )}
        </article>
      )}
    </section>
  );
}

const Label: Record<string, string> = {
  args: "Arguments", kwargs: "Keyword arguments", result: "Result", exception: "Exception",
  root_id: "Root id", parent_id: "Parent id", group_id: "Group id", first_seen: "First seen",
};

function Field({ name, children }: { name: string; children: ComponentChildren }) {
  return (
    <div class="field-row">
      <dt>{Label[name] ?? name.replace(/_/g, " ")}</dt>
      <dd data-testid={"task-field-" + name}>{children}</dd>
    </div>
  );
}

function renderValue(field: string, task: TaskRow) {
  const value = task[field];
  if (field === "state") return <StateBadge state={task.state} />;
  if (field === "runtime") return formatDuration(task.runtime);
  if (Times.has(field)) return <time dateTime={String(value)} title={String(value)}>{formatTime(String(value))}</time>;
  if ((field === "root_id" || field === "parent_id") && value !== task.id) return <a class="mono" href={taskHref(String(value))}>{String(value)}</a>;
  if (field === "group_id") return <a class="mono" href={href("/tasks", { q: undefined, root_id: task.root_id })}>{String(value)}</a>;
  if (field === "worker") return <a class="mono" href={href("/tasks", { worker: String(value) })}>{String(value)}</a>;
  return <span class={field.endsWith("id") ? "mono" : ""}>{String(value)}</span>;
}

function BackendBlock({ backend, result }: { backend: NonNullable<TaskDetail["backend"]>; result?: string }) {
  return (
    <section class="payload-block" aria-labelledby="h-backend">
      <h2 id="h-backend">In the result backend</h2>
      <dl class="fields">
        {backend.state && <div class="field-row"><dt>state</dt><dd><StateBadge state={backend.state} /></dd></div>}
        {backend.date_done && <div class="field-row"><dt>done</dt><dd>{formatTime(backend.date_done)}</dd></div>}
      </dl>
      {backend.result !== undefined && backend.result !== null && prettyPayload(backend.result) !== prettyPayload(result) && <pre data-testid="backend-result" tabIndex={0}>{prettyPayload(backend.result)}</pre>}
    </section>
  );
}
