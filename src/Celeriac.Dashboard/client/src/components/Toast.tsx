// One status region for every action's outcome: successes (with the new task id where there is one) and
// the server's error sentence. A single element so screen readers announce each message once and tests
// find exactly one `toast`; a newer message replaces the older.
import { useEffect, useState } from "preact/hooks";

export interface ToastMessage {
  kind: "ok" | "error";
  text: string;
  /** Set when the outcome names a task (retry, re-run, run now): shown as a link to it. */
  taskId?: string;
}

let show: (message: ToastMessage) => void = () => {};

export const toastOk = (text: string, taskId?: string) => show({ kind: "ok", text, taskId });
export const toastError = (error: unknown) => show({ kind: "error", text: error instanceof Error ? error.message : String(error) });

export function Toasts() {
  const [message, setMessage] = useState<ToastMessage & { key: number }>();
  useEffect(() => {
    show = (m) => setMessage({ ...m, key: Date.now() });
    return () => { show = () => {}; };
  }, []);
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(undefined), message.kind === "error" ? 15_000 : 8_000);
    return () => clearTimeout(timer);
  }, [message]);

  return (
    <div class="toast-region" role="status" aria-live="polite" aria-atomic="true">
      {message && (
        <div class={"toast toast-" + message.kind} data-testid="toast" data-kind={message.kind} key={message.key}>
          <strong>{message.kind === "error" ? "Error: " : "Done: "}</strong>
          {message.text}
          {message.taskId && <> — task <a href={"#/tasks/" + encodeURIComponent(message.taskId)}>{message.taskId}</a></>}
          <button type="button" class="toast-close" aria-label="Dismiss message" onClick={() => setMessage(undefined)}>×</button>
        </div>
      )}
    </div>
  );
}
