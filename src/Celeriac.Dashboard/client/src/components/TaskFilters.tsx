// The search box and filters. Selects apply at once; text fields on Enter or the Search button.
// Choices for name/worker/queue come from the API (loaded once, not live), plus whatever the hash already says.
import { useEffect, useRef, useState } from "preact/hooks";
import { apiUrl } from "../lib/api";
import { TaskStates, withCurrent } from "../lib/format";
import type { Queue, Worker } from "../lib/types";
import { useApi } from "../lib/useApi";
import type { Filters } from "../pages/TasksPage";

export function TaskFilters({ filters, onApply }: { filters: Filters; onApply: (f: Filters) => void }) {
  const [draft, setDraft] = useState<Filters>(filters);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => setDraft(filters), [JSON.stringify(filters)]);
  const types = useApi<{ "task-types"?: string[] }>(apiUrl("task/types"), { live: false });
  const workers = useApi<Worker[]>(apiUrl("fleet/workers"), { live: false });
  const queues = useApi<Queue[]>(apiUrl("fleet/queues"), { live: false });

  const set = (key: keyof Filters, value: string) => setDraft({ ...draft, [key]: value || undefined });
  const applyNow = (key: keyof Filters, value: string) => {
    const next = { ...typed(draft), [key]: value || undefined };
    setDraft(next);
    onApply(next);
  };
  // What the text boxes hold now: a submit right after typing (before the state caught up) still searches for it.
  const typed = (base: Filters): Filters => {
    const next = { ...base };
    for (const input of form.current?.querySelectorAll<HTMLInputElement>("input[data-key]") ?? []) {
      const key = input.dataset.key as keyof Filters;
      const value = input.type === "datetime-local" ? (input.value ? new Date(input.value).toISOString() : "") : input.value.trim();
      next[key] = value || undefined;
    }
    return next;
  };
  const text = (key: keyof Filters, label: string, testid: string, type = "text") => (
    <label class="field">
      <span>{label}</span>
      <input type={type} value={type === "datetime-local" ? toLocalInput(draft[key]) : draft[key] ?? ""} data-testid={testid} data-key={key}
        spellcheck={false} autoComplete="off"
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          set(key, type === "datetime-local" && v ? new Date(v).toISOString() : v);
        }} />
    </label>
  );
  const select = (key: keyof Filters, label: string, testid: string, options: string[], any = "Any") => (
    <label class="field">
      <span>{label}</span>
      <select value={draft[key] ?? ""} data-testid={testid} onChange={(e) => applyNow(key, (e.target as HTMLSelectElement).value)}>
        <option value="">{any}</option>
        {withCurrent(options, draft[key]).map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );

  return (
    <form ref={form} class="filters" role="search" aria-label="Search tasks" onSubmit={(e) => { e.preventDefault(); onApply(typed(draft)); }}>
      <div class="search-line">
        <label class="field grow">
          <span>Search args, kwargs, result and exception</span>
          <input type="search" value={draft.q ?? ""} data-testid="task-search" data-key="q" placeholder="words, e.g. order-42"
            onInput={(e) => set("q", (e.target as HTMLInputElement).value)} />
        </label>
        <button type="submit" class="primary" data-testid="task-search-submit">Search</button>
        <button type="button" data-testid="filter-clear" onClick={() => onApply({})}>Clear</button>
      </div>
      <div class="filter-grid">
        {select("name", "Task name", "filter-name", types.data?.["task-types"] ?? [])}
        {select("state", "State", "filter-state", TaskStates)}
        {select("worker", "Worker", "filter-worker", (workers.data ?? []).map((w) => w.hostname))}
        {select("queue", "Queue", "filter-queue", (queues.data ?? []).map((q) => q.name))}
        {text("id", "Task id", "filter-id")}
        {text("root_id", "Root id", "filter-root-id")}
        {text("from", "First seen from", "filter-from", "datetime-local")}
        {text("to", "First seen to", "filter-to", "datetime-local")}
        {select("sort", "Sort by", "filter-sort", ["updated", "runtime", "name"], "first seen")}
        {select("order", "Order", "filter-order", ["asc"], "newest / largest first")}
      </div>
    </form>
  );
}

/** An ISO instant as a datetime-local input's value (local wall time, minutes). */
function toLocalInput(iso?: string): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (isNaN(date.getTime())) return "";
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
