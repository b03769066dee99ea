// Tasks: the search (words in args/kwargs/result/exception) and filters live in the hash, so a search is a
// link; server-side keyset paging; bulk retry/revoke over the whole search after a confirmation with the count.
import { useEffect, useState } from "preact/hooks";
import { BulkAction } from "../components/BulkAction";
import { usePager, PagerControls } from "../components/Pager";
import { LoadState } from "../components/Status";
import { TaskFilters } from "../components/TaskFilters";
import { TaskTable } from "../components/TaskTable";
import { apiUrl } from "../lib/api";
import { href, navigate } from "../lib/router";
import { useCanAct } from "../lib/session";
import type { TaskPage } from "../lib/types";
import { useApi } from "../lib/useApi";

/** The filters the hash may carry (API16.md's search parameters). */
export const FilterKeys = ["q", "name", "state", "worker", "queue", "id", "root_id", "from", "to", "sort", "order"] as const;
export type Filters = Partial<Record<(typeof FilterKeys)[number], string>>;

export function TasksPage({ query }: { query: URLSearchParams }) {
  const filters: Filters = {};
  for (const key of FilterKeys) {
    const value = query.get(key);
    if (value) filters[key] = value;
  }
  const key = JSON.stringify(filters);
  const pager = usePager();
  useEffect(() => pager.reset(), [key]);
  const canAct = useCanAct();
  const [limit] = useState(50);

  const { data, error, loading } = useApi<TaskPage>(apiUrl("tasks/search", { ...filters, limit, cursor: pager.cursor }), {
    // Deep pages refresh only when one of their rows changed; the first page shows new tasks as they come.
    relevant: (change): boolean => !pager.cursor || change.tasks.some((id) => data?.tasks.some((t) => t.id === id)),
  });

  const apply = (next: Filters) => navigate(href("/tasks", next as Record<string, string | undefined>));
  const filtered = Object.keys(filters).some((k) => k !== "sort" && k !== "order");

  return (
    <section aria-labelledby="tasks-title">
      <div class="page-head">
        <h1 id="tasks-title">Tasks</h1>
        {canAct && (
          <div class="head-actions">
            <BulkAction kind="retry" filters={filters} />
            <BulkAction kind="revoke" filters={filters} />
          </div>
        )}
      </div>
      <TaskFilters filters={filters} onApply={apply} />
      <LoadState loading={loading && !data} error={error}
        empty={data && data.tasks.length === 0 && (filtered ? "No task matches this search." : "No tasks yet.")} />
      {data && data.tasks.length > 0 && <TaskTable tasks={data.tasks} caption="Tasks matching the search" />}
      {data && (pager.page > 1 || data.next_cursor) && <PagerControls pager={pager} nextCursor={data.next_cursor} label="Task list" />}
    </section>
  );
}
