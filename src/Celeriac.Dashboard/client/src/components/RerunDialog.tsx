// Re-run with edited arguments: args (a JSON array) and kwargs (a JSON object) in text areas, checked as
// you type; OK only when both parse. Starts from the whole payloads (the detail has them uncut).
import { useState } from "preact/hooks";
import { apiUrl, post } from "../lib/api";
import type { TaskDetail } from "../lib/types";
import { Dialog, DialogButtons } from "./Dialog";
import { toastError, toastOk } from "./Toast";

export function RerunDialog({ detail, onClose }: { detail: TaskDetail; onClose: () => void }) {
  const task = detail.task;
  const [args, setArgs] = useState(() => initial(detail.backend?.args ?? task.args, "[]"));
  const [kwargs, setKwargs] = useState(() => initial(detail.backend?.kwargs ?? task.kwargs, "{}"));
  const [busy, setBusy] = useState(false);
  const argsError = check(args, "array");
  const kwargsError = check(kwargs, "object");

  const submit = async () => {
    if (argsError || kwargsError) return;
    setBusy(true);
    try {
      const { task_id } = await post<{ task_id: string }>(apiUrl("tasks/" + encodeURIComponent(task.id) + "/rerun"),
        { args: JSON.parse(args), kwargs: JSON.parse(kwargs) });
      toastOk("Re-ran " + (task.name ?? task.id) + " as a new task", task_id);
      onClose();
    } catch (e) {
      toastError(e);
      setBusy(false);
    }
  };

  return (
    <Dialog title={"Re-run " + (task.name ?? task.id)} onClose={onClose} onSubmit={submit} testid="rerun-dialog">
      <div class="dialog-body">
        <JsonField label="Positional arguments (a JSON array)" value={args} error={argsError} onInput={setArgs} testid="rerun-args" />
        <JsonField label="Keyword arguments (a JSON object)" value={kwargs} error={kwargsError} onInput={setKwargs} testid="rerun-kwargs" />
      </div>
      <DialogButtons okLabel="Run" onCancel={onClose} busy={busy} okDisabled={!!argsError || !!kwargsError} />
    </Dialog>
  );
}

let fieldId = 0;

export function JsonField({ label, value, error, onInput, testid, rows = 6 }:
  { label: string; value: string; error?: string; onInput: (v: string) => void; testid: string; rows?: number }) {
  const [id] = useState(() => "json-" + ++fieldId);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} class="json" rows={rows} spellcheck={false} value={value} data-testid={testid}
        aria-invalid={!!error} aria-describedby={error ? id + "-error" : undefined}
        onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)} />
      {error && <p id={id + "-error"} class="field-error" role="alert">{error}</p>}
    </div>
  );
}

/** The payload as editable JSON: pretty when it parses, else as sent (a Python repr the user must fix). */
function initial(value: unknown, empty: string): string {
  if (value === undefined || value === null || value === "") return empty;
  if (typeof value !== "string") return JSON.stringify(value, null, 2);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/** Why the text is not a JSON value of the wanted kind, or undefined when it is. */
export function check(text: string, kind: "array" | "object"): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return "Not valid JSON: " + (e as Error).message;
  }
  if (kind === "array" && !Array.isArray(value)) return "Must be a JSON array, e.g. [1, 2].";
  if (kind === "object" && (typeof value !== "object" || value === null || Array.isArray(value))) return "Must be a JSON object, e.g. {\"x\": 1}.";
  return undefined;
}
