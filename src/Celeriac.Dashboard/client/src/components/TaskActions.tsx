// A task's actions: retry (same args), re-run with edited args/kwargs, revoke, terminate. Each reports in
// the toast; retry and re-run name the new task and link to it.
import { useState } from "preact/hooks";
import { apiUrl, post } from "../lib/api";
import type { TaskDetail } from "../lib/types";
import { ConfirmDialog } from "./ConfirmDialog";
import { RerunDialog } from "./RerunDialog";
import { toastError, toastOk } from "./Toast";

const Finished = new Set(["SUCCESS", "FAILURE", "REVOKED", "REJECTED", "IGNORED"]);

export function ActionBar({ detail }: { detail: TaskDetail }) {
  const task = detail.task;
  const [open, setOpen] = useState<"rerun" | "revoke" | "terminate">();
  const [busy, setBusy] = useState(false);
  const [signal, setSignal] = useState("SIGTERM");
  const url = (verb: string) => apiUrl("tasks/" + encodeURIComponent(task.id) + "/" + verb);
  const finished = Finished.has((task.state ?? "").toUpperCase());

  const retry = async () => {
    if (busy) return;
    setBusy(true);
    try {
      const { task_id } = await post<{ task_id: string }>(url("retry"));
      toastOk("Retried " + (task.name ?? task.id) + " as a new task", task_id);
    } catch (e) {
      toastError(e);
    }
    setBusy(false);
  };

  return (
    <div class="head-actions" role="group" aria-label="Task actions">
      <button type="button" data-testid="action-retry" class="primary" aria-busy={busy} disabled={detail.retryable === false}
        title={detail.retryable === false ? detail.retry_refusal ?? "This task cannot be retried" : "Send it again with the same arguments"}
        onClick={retry}>Retry</button>
      <button type="button" data-testid="action-rerun" disabled={detail.retryable === false}
        title={detail.retryable === false ? detail.retry_refusal ?? undefined : "Send it again with arguments you edit"}
        onClick={() => setOpen("rerun")}>Re-run with…</button>
      <button type="button" data-testid="action-revoke" onClick={() => setOpen("revoke")}>Revoke</button>
      <button type="button" data-testid="action-terminate" class="danger" onClick={() => setOpen("terminate")}>Terminate</button>
      {detail.retryable === false && detail.retry_refusal && <p class="sub refusal">Retry: {detail.retry_refusal}</p>}
      {open === "rerun" && <RerunDialog detail={detail} onClose={() => setOpen(undefined)} />}
      {open === "revoke" && (
        <ConfirmDialog title={"Revoke " + (task.name ?? task.id)} okLabel="Revoke" onClose={() => setOpen(undefined)}
          onConfirm={async () => { await post(url("revoke")); toastOk("Revoked " + task.id); }}>
          <p>Workers will discard this task if it has not started. A running task keeps running; terminate stops it.</p>
          {finished && <p>This task has already finished ({task.state}), so revoking it only keeps a re-delivered copy from running.</p>}
        </ConfirmDialog>
      )}
      {open === "terminate" && (
        <ConfirmDialog title={"Terminate " + (task.name ?? task.id)} okLabel="Terminate" danger onClose={() => setOpen(undefined)}
          onConfirm={async () => { await post(url("terminate"), { signal }); toastOk(`Sent ${signal} to ${task.id}`); }}>
          <p>Revokes the task and signals the process running it.</p>
          {finished && <p>This task has already finished ({task.state}); there is nothing running to signal.</p>}
          <label class="field">
            <span>Signal</span>
            <select value={signal} data-testid="terminate-signal" onChange={(e) => setSignal((e.target as HTMLSelectElement).value)}>
              {["SIGTERM", "SIGKILL", "SIGINT", "SIGUSR1"].map((s) => <option key={s}>{s}</option>)}
            </select>
          </label>
        </ConfirmDialog>
      )}
    </div>
  );
}
