// Workers: online first, then offline ones until they age out; per worker its software (language shown
// plainly), concurrency, active, processed, load and last heartbeat, and the control actions.
import { useState } from "preact/hooks";
import { Grid } from "../components/Grid";
import { LoadState } from "../components/Status";
import { WorkerActions } from "../components/WorkerActions";
import { apiUrl } from "../lib/api";
import { describeSoftware, formatAgo, formatNumber, formatTime } from "../lib/format";
import { useCanAct } from "../lib/session";
import type { Worker } from "../lib/types";
import { useApi } from "../lib/useApi";

export function WorkersPage() {
  const { data, error, loading } = useApi<Worker[]>(apiUrl("fleet/workers"));
  const canAct = useCanAct();
  const [showOffline, setShowOffline] = useState(true);
  const workers = (data ?? []).filter((w) => showOffline || w.online);
  const online = (data ?? []).filter((w) => w.online).length;

  return (
    <section aria-labelledby="workers-title">
      <div class="page-head">
        <h1 id="workers-title">Workers</h1>
        <p class="summary">{data ? `${online} online, ${data.length - online} offline` : ""}</p>
        <label class="inline">
          <input type="checkbox" checked={showOffline} onChange={(e) => setShowOffline((e.target as HTMLInputElement).checked)} />
          Show offline workers
        </label>
      </div>
      <LoadState loading={loading && !data} error={error} empty={data && workers.length === 0 && "No workers have sent events yet. Start a worker with events on (-E)."} />
      {workers.length > 0 && (
        <Grid caption="Workers, online first" columns={["Worker", "Status", "Software", { label: "Concurrency", num: true }, { label: "Active", num: true }, { label: "Processed", num: true }, "Load (1/5/15 min)", "Last heartbeat", "Queues", { label: "Actions", show: canAct }]}>
              {workers.map((w) => <WorkerRow key={w.hostname} worker={w} canAct={canAct} />)}
            </Grid>
      )}
    </section>
  );
}

function WorkerRow({ worker: w, canAct }: { worker: Worker; canAct: boolean }) {
  return (
    <tr data-testid="worker-row" data-hostname={w.hostname} data-online={String(w.online)} class={w.online ? "" : "dim"}>
      <th scope="row" class="mono">
        <a href={"#/tasks?worker=" + encodeURIComponent(w.hostname)} title="This worker's tasks">{w.hostname}</a>
      </th>
      <td>
        <span class={"badge " + (w.online ? "state-ok" : "state-wait")}>
          <span aria-hidden="true">{w.online ? "● " : "○ "}</span>{w.online ? "Online" : "Offline"}
        </span>
        {!w.online && w.offline_since && <div class="sub" title={formatTime(w.offline_since)}>since {formatAgo(w.offline_since)}</div>}
      </td>
      <td data-testid="worker-sw" title={w.sw_sys}>{describeSoftware(w.sw_ident, w.sw_ver)}</td>
      <td class="num">
        {formatNumber(w.concurrency)}
        {w.autoscale && <div class="sub">autoscale {w.autoscale.min}–{w.autoscale.max}</div>}
      </td>
      <td class="num">{formatNumber(w.active)}</td>
      <td class="num">{formatNumber(w.processed)}</td>
      <td class="mono">{w.loadavg?.length ? w.loadavg.map((l) => l.toFixed(2)).join(" / ") : "—"}</td>
      <td title={formatTime(w.last_heartbeat)}>{formatAgo(w.last_heartbeat)}</td>
      <td>{w.queues?.length ? w.queues.join(", ") : "—"}</td>
      {canAct && <td>{w.online ? <WorkerActions worker={w} /> : <span class="sub">offline</span>}</td>}
    </tr>
  );
}
