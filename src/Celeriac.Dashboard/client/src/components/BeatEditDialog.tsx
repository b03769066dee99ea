// Edit a beat entry as the schedule file's JSON (docs/beat.md): task, schedule (seconds, {"crontab": …},
// {"cron": "…"} or {"at": "…"}), args, kwargs, options. Checked as JSON before it is sent with PUT.
import { useState } from "preact/hooks";
import { apiUrl, put } from "../lib/api";
import type { BeatEntry } from "../lib/types";
import { Dialog, DialogButtons } from "./Dialog";
import { JsonField } from "./RerunDialog";
import { toastError, toastOk } from "./Toast";

export function BeatEditDialog({ entry, onClose, onSaved }: { entry: BeatEntry; onClose: () => void; onSaved: () => void }) {
  const [text, setText] = useState(() => JSON.stringify(definitionOf(entry), null, 2));
  const [busy, setBusy] = useState(false);
  const error = validate(text);

  const submit = async () => {
    if (error) return;
    setBusy(true);
    try {
      await put(apiUrl("beat/" + encodeURIComponent(entry.name)), JSON.parse(text));
      toastOk(`Saved ${entry.name}; beats apply it within a second.`);
      onSaved();
      onClose();
    } catch (e) {
      toastError(e);
      setBusy(false);
    }
  };

  return (
    <Dialog title={"Edit " + entry.name} onClose={onClose} onSubmit={submit} testid="beat-edit-dialog">
      <div class="dialog-body">
        <JsonField label="The entry as JSON (task, schedule, args, kwargs, options)" value={text} error={error} onInput={setText}
          testid="beat-edit-json" rows={14} />
        <p class="sub">schedule: seconds (<code>30</code>), <code>{'{"crontab": {"minute": "*/5"}}'}</code>, <code>{'{"cron": "0 7 * * mon-fri"}'}</code> or <code>{'{"at": "2030-01-01T00:00:00Z"}'}</code>.</p>
      </div>
      <DialogButtons okLabel="Save" onCancel={onClose} busy={busy} okDisabled={!!error} />
    </Dialog>
  );
}

/** The entry in the file's shape: the server's own copy when it sends one, else rebuilt from the listed fields. */
function definitionOf(entry: BeatEntry): Record<string, unknown> {
  if (entry.definition) return entry.definition;
  const every = /^every\s+([\d.]+)\s*s/i.exec(entry.schedule);
  const schedule: unknown = every ? Number(every[1]) : entry.schedule;
  const result: Record<string, unknown> = { task: entry.task, schedule };
  if (entry.args?.length) result.args = entry.args;
  if (entry.kwargs && Object.keys(entry.kwargs).length) result.kwargs = entry.kwargs;
  if (entry.options && Object.keys(entry.options).length) result.options = entry.options;
  return result;
}

function validate(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return "Not valid JSON: " + (e as Error).message;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "Must be a JSON object.";
  const entry = value as Record<string, unknown>;
  if (typeof entry.task !== "string" || !entry.task) return "\"task\" must name the task.";
  if (entry.schedule === undefined || typeof entry.schedule === "string") return "\"schedule\" must be seconds or an object such as {\"crontab\": {…}}.";
  return undefined;
}
