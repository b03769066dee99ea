// A worker's control actions (fleet endpoints): each opens a dialog for its inputs; shutdown asks first.
// The worker's reply is shown in the toast.
import { useState } from "preact/hooks";
import { apiUrl, post } from "../lib/api";
import type { Worker } from "../lib/types";
import { ConfirmDialog } from "./ConfirmDialog";
import { Field, FormDialog } from "./FormDialog";
import { toastOk } from "./Toast";

type Verb = "pool-grow" | "pool-shrink" | "autoscale" | "add-consumer" | "cancel-consumer" | "rate-limit" | "time-limit" | "shutdown";

const Actions: { verb: Verb; label: string; fields: Field[] }[] = [
  { verb: "pool-grow", label: "Grow pool", fields: [{ name: "n", label: "Processes to add", type: "number", value: "1", min: 1 }] },
  { verb: "pool-shrink", label: "Shrink pool", fields: [{ name: "n", label: "Processes to remove", type: "number", value: "1", min: 1 }] },
  { verb: "autoscale", label: "Autoscale", fields: [
    { name: "max", label: "Maximum processes", type: "number", value: "10", min: 1 },
    { name: "min", label: "Minimum processes", type: "number", value: "1", min: 0 },
  ] },
  { verb: "add-consumer", label: "Add consumer", fields: [{ name: "queue", label: "Queue to consume from", type: "text", value: "" }] },
  { verb: "cancel-consumer", label: "Cancel consumer", fields: [{ name: "queue", label: "Queue to stop consuming", type: "text", value: "" }] },
  { verb: "rate-limit", label: "Rate limit", fields: [
    { name: "task", label: "Task name", type: "text", value: "" },
    { name: "rate", label: "Rate (e.g. 10/m, 1/s; empty or 0 removes the limit)", type: "text", value: "", optional: true },
  ] },
  { verb: "time-limit", label: "Time limit", fields: [
    { name: "task", label: "Task name", type: "text", value: "" },
    { name: "soft", label: "Soft limit (seconds)", type: "number", value: "", optional: true, min: 0 },
    { name: "hard", label: "Hard limit (seconds)", type: "number", value: "", optional: true, min: 0 },
  ] },
];

const NumberFields = new Set(["n", "max", "min", "soft", "hard"]);

export function WorkerActions({ worker }: { worker: Worker }) {
  const [open, setOpen] = useState<Verb>();
  const action = Actions.find((a) => a.verb === open);
  const url = (verb: Verb) => apiUrl("fleet/workers/" + encodeURIComponent(worker.hostname) + "/" + verb);
  const send = async (verb: Verb, values: Record<string, string>) => {
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) {
      if (value === "") continue;
      body[key] = NumberFields.has(key) ? Number(value) : value;
    }
    const answer = await post<{ ok?: boolean; reply?: unknown }>(url(verb), body);
    toastOk(`${verb} on ${worker.hostname}: ${replyText(answer.reply)}`);
  };

  return (
    <div class="row-actions">
      {/* A disclosure of buttons, not a select: arrowing through a select would fire its first action at once. */}
      <details class="menu" data-testid="worker-actions"
        onKeyDown={(e) => {
          const menu = e.currentTarget as HTMLDetailsElement;
          if (e.key === "Escape" && menu.open) { menu.open = false; menu.querySelector("summary")?.focus(); }
        }}>
        <summary aria-label={"Actions on " + worker.hostname}>Actions…</summary>
        <div class="menu-items">
          {Actions.map((a) => (
            <button key={a.verb} type="button" class="small" data-testid={"worker-action-" + a.verb}
              onClick={(e) => { (e.currentTarget.closest("details") as HTMLDetailsElement).open = false; setOpen(a.verb); }}>{a.label}</button>
          ))}
          <button type="button" class="danger small" data-testid="worker-shutdown"
            onClick={(e) => { (e.currentTarget.closest("details") as HTMLDetailsElement).open = false; setOpen("shutdown"); }}>Shut down…</button>
        </div>
      </details>
      {action && (
        <FormDialog title={`${action.label}: ${worker.hostname}`} okLabel={action.label} fields={action.fields}
          prefill={prefill(action.verb, worker)} onSubmit={(values) => send(action.verb, values)} onClose={() => setOpen(undefined)} />
      )}
      {open === "shutdown" && (
        <ConfirmDialog title={"Shut down " + worker.hostname} okLabel="Shut down" danger onClose={() => setOpen(undefined)}
          onConfirm={() => send("shutdown", {})}>
          <p>The worker finishes its running tasks and exits (a warm shutdown). Unless something restarts it, it stays down.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function prefill(verb: Verb, worker: Worker): Record<string, string> {
  if (verb === "autoscale" && worker.autoscale) return { max: String(worker.autoscale.max), min: String(worker.autoscale.min) };
  if (verb === "cancel-consumer" && worker.queues?.length) return { queue: worker.queues[0] };
  return {};
}

function replyText(reply: unknown): string {
  if (reply === undefined || reply === null) return "ok";
  if (typeof reply === "string") return reply;
  const text = JSON.stringify(reply);
  return text.length > 200 ? text.slice(0, 200) + "…" : text;
}
