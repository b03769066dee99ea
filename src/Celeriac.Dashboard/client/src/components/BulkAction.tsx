// Bulk retry / revoke over the current search: first counts what the search matches (up to the bulk
// maximum), asks with that count, then acts and reports matched/acted/refused.
import { useState } from "preact/hooks";
import { apiUrl, get, post } from "../lib/api";
import type { BulkResult, TaskPage } from "../lib/types";
import type { Filters } from "../pages/TasksPage";
import { ConfirmDialog } from "./ConfirmDialog";
import { toastError, toastOk } from "./Toast";

/** The most tasks one bulk action touches (the API's `max`). */
const BulkMax = 1000;

export function BulkAction({ kind, filters }: { kind: "retry" | "revoke"; filters: Filters }) {
  const [count, setCount] = useState<{ n: number; more: boolean }>();
  const [counting, setCounting] = useState(false);
  const label = kind === "retry" ? "Retry all" : "Revoke all";

  const open = async () => {
    if (counting) return;
    setCounting(true);
    try {
      const { sort: _s, order: _o, ...search } = filters;
      const page = await get<TaskPage>(apiUrl("tasks/search", { ...search, limit: BulkMax }));
      setCount({ n: page.tasks.length, more: !!page.next_cursor });
    } catch (e) {
      toastError(e);
    }
    setCounting(false);
  };
  const act = async () => {
    const { sort: _s, order: _o, id: _i, ...search } = filters;
    const result = await post<BulkResult>(apiUrl("tasks/bulk/" + kind), { ...search, max: BulkMax });
    const refused = result.refused?.length ? `, ${result.refused.length} refused (${result.refused[0].reason})` : "";
    toastOk(`${kind === "retry" ? "Retried" : "Revoked"} ${result.acted} of ${result.matched} matching tasks${refused}.`);
  };

  return (
    <>
      <button type="button" data-testid={"bulk-" + kind} class={kind === "revoke" ? "danger" : ""} aria-busy={counting} onClick={open}>
        {counting ? "Counting…" : label}
      </button>
      {count && (
        <ConfirmDialog title={`${label} matching tasks`} okLabel={`${kind === "retry" ? "Retry" : "Revoke"} ${count.n}${count.more ? "+" : ""}`}
          danger={kind === "revoke"} onConfirm={act} onClose={() => setCount(undefined)}>
          <p data-testid="bulk-count">
            The current search matches <strong>{count.n.toLocaleString()}{count.more ? " or more" : ""}</strong> task{count.n === 1 ? "" : "s"}
            {count.more ? ` (at most ${BulkMax.toLocaleString()} are acted on)` : ""}.
          </p>
          <p>{kind === "retry"
            ? "Each is sent again as a new task with the same name, arguments and queue. Tasks that cannot be retried are listed as refused."
            : "Workers will discard them if they have not started; running ones keep running (use terminate on a task's page to stop one)."}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
