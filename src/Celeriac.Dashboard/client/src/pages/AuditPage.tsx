// The audit log: who did what, when, from where, and how it ended — newest first, paged.
import { Grid } from "../components/Grid";
import { LoadState } from "../components/Status";
import { PagerControls, usePager } from "../components/Pager";
import { apiUrl } from "../lib/api";
import { formatTime } from "../lib/format";
import { taskHref } from "../lib/router";
import type { AuditPage as Page } from "../lib/types";
import { useApi } from "../lib/useApi";

export function AuditPage() {
  const pager = usePager();
  // Actions are rare; the log refreshes with the live stream only on its first page.
  const { data, error, loading } = useApi<Page>(apiUrl("audit", { limit: 50, cursor: pager.cursor }), { relevant: () => !pager.cursor });

  return (
    <section aria-labelledby="audit-title">
      <div class="page-head"><h1 id="audit-title">Audit log</h1></div>
      <LoadState loading={loading && !data} error={error} empty={data && data.entries.length === 0 && "No actions yet."} />
      {data && data.entries.length > 0 && (
        <Grid caption="Actions taken through the dashboard, newest first" columns={["When", "User", "From", "Action", "Target", "Outcome", "Detail"]}>
              {data.entries.map((e, i) => (
                <tr key={e.at + i} data-testid="audit-row" data-action={e.action} data-outcome={e.outcome ?? ""}>
                  <th scope="row"><time dateTime={e.at}>{formatTime(e.at)}</time></th>
                  <td>{e.user ?? "—"}</td>
                  <td class="mono">{e.remote ?? "—"}</td>
                  <td class="mono">{e.action}</td>
                  <td class="mono">{e.target && e.action.startsWith("task.") && !e.action.startsWith("task.bulk") ? <a href={taskHref(e.target)}>{e.target}</a> : e.target ?? "—"}</td>
                  <td><span class={"badge " + (e.outcome === "ok" ? "state-ok" : e.outcome === "refused" ? "state-warn" : "state-bad")}>{e.outcome ?? "—"}</span></td>
                  <td class="mono payload">{e.detail === undefined || e.detail === null ? "" : typeof e.detail === "string" ? e.detail : JSON.stringify(e.detail)}</td>
                </tr>
              ))}
            </Grid>
      )}
      {data && (pager.page > 1 || data.next_cursor) && <PagerControls pager={pager} nextCursor={data.next_cursor} label="Audit log" />}
    </section>
  );
}
