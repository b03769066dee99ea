// A page of task rows (the search, a task's children). Cheap per row: text only, no parsing.
import { formatDuration, formatTime, shortId } from "../lib/format";
import { taskHref } from "../lib/router";
import type { TaskRow } from "../lib/types";
import { Grid } from "./Grid";
import { StateBadge } from "./StateBadge";

export function TaskTable({ tasks, caption }: { tasks: TaskRow[]; caption: string }) {
  return (
    <Grid caption={caption} class="tasks" columns={["Task", "State", "Id", "Args / kwargs", "Worker", "Queue", "First seen", { label: "Runtime", num: true }, { label: "Retries", num: true }]}>
          {tasks.map((t) => (
            <tr key={t.id} data-testid="task-row" data-task-id={t.id} data-state={t.state ?? ""}>
              <th scope="row"><a href={taskHref(t.id)}>{t.name ?? "(unknown name)"}</a></th>
              <td><StateBadge state={t.state} /></td>
              <td class="mono" title={t.id}><a href={taskHref(t.id)} aria-label={"Task " + t.id}>{shortId(t.id)}</a></td>
              <td class="mono payload" title={[t.args, t.kwargs].filter(Boolean).join(" ")}>
                {t.args ?? ""}{t.kwargs && t.kwargs !== "{}" ? " " + t.kwargs : ""}
                {t.exception && <div class="exception">{t.exception}</div>}
              </td>
              <td class="mono">{t.worker ?? "—"}</td>
              <td>{t.queue ?? "—"}</td>
              <td title={t.first_seen}>{formatTime(t.first_seen)}</td>
              <td class="num">{formatDuration(t.runtime)}</td>
              <td class="num">{t.retries ?? 0}</td>
            </tr>
          ))}
        </Grid>
  );
}
