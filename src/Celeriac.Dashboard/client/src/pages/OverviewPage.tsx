// Overview: throughput, failure rate, run time and queue wait over a chosen window (from the store's
// minute rollups), for everything or one task/queue; the per-task and per-queue tables below. Its own
// chunk, with the charting library, so the other pages stay light.
import { useMemo } from "preact/hooks";
import Chart, { ChartSeries } from "../components/Chart";
import { Grid } from "../components/Grid";
import { LoadState } from "../components/Status";
import { apiUrl } from "../lib/api";
import { formatDuration, formatNumber, formatPercent, withCurrent } from "../lib/format";
import { href, navigate, useRoute } from "../lib/router";
import type { Overview, RollupRow } from "../lib/types";
import { useApi } from "../lib/useApi";

const Windows = [
  { value: "15m", label: "15 minutes" },
  { value: "1h", label: "1 hour" },
  { value: "6h", label: "6 hours" },
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
];

const Colors = { ok: "#2e8540", bad: "#d83933", warn: "#c47d00", blue: "#2f6fde", violet: "#8a4fd8" };
const count = (v: number) => (Math.abs(v) >= 1000 ? (v / 1000).toFixed(1) + "k" : String(Math.round(v * 10) / 10));
const percent = (v: number) => (v * 100).toFixed(v < 0.1 ? 1 : 0) + "%";

export function OverviewPage() {
  const { query } = useRoute();
  const window = query.get("window") ?? "1h";
  const name = query.get("name") ?? "";
  const queue = query.get("queue") ?? "";
  // The charts are the point of this page: refresh at most every 2 s however busy the cluster is.
  const { data, error, loading } = useApi<Overview>(apiUrl("overview", { window, name, queue }), { delayMs: 2000 });
  const set = (key: string, value: string) => navigate(href("/", { window, name, queue, [key]: value }));

  const charts = useMemo(() => (data ? chartsOf(data) : undefined), [data]);
  const stepText = data ? (data.step_seconds >= 3600 ? data.step_seconds / 3600 + " h" : data.step_seconds / 60 + " min") : "";
  const totals = data?.series.reduce((t, p) => ({ ok: t.ok + (p.succeeded ?? 0), bad: t.bad + (p.failed ?? 0) }), { ok: 0, bad: 0 });

  return (
    <section aria-labelledby="overview-title">
      <div class="page-head">
        <h1 id="overview-title">Overview</h1>
        <form class="inline-filters" aria-label="Chart options" onSubmit={(e) => e.preventDefault()}>
          <label class="field">
            <span>Window</span>
            <select value={window} data-testid="overview-window" onChange={(e) => set("window", (e.target as HTMLSelectElement).value)}>
              {Windows.map((w) => <option key={w.value} value={w.value}>{w.label}</option>)}
            </select>
          </label>
          <Choice label="Task" any="All tasks" testid="overview-name" value={name} onChange={(v) => set("name", v)}
            options={data?.by_task.map((t) => t.name ?? "") ?? []} />
          <Choice label="Queue" any="All queues" testid="overview-queue" value={queue} onChange={(v) => set("queue", v)}
            options={data?.by_queue.map((q) => q.queue ?? "") ?? []} />
        </form>
      </div>
      <LoadState loading={loading && !data} error={error} />
      {data && totals && (
        <ul class="stats" aria-label="Totals over the window">
          <li><span class="stat">{formatNumber(data.workers_online)}</span> workers online</li>
          <li><span class="stat">{formatNumber(totals.ok)}</span> succeeded</li>
          <li><span class="stat">{formatNumber(totals.bad)}</span> failed</li>
          <li><span class="stat">{formatPercent(totals.ok + totals.bad ? totals.bad / (totals.ok + totals.bad) : 0)}</span> failure rate</li>
        </ul>
      )}
      {charts && (
        <div class="charts" data-testid="overview-charts">
          <Chart title={`Throughput (tasks per ${stepText})`} times={charts.times} series={charts.throughput} summary={charts.summary.throughput} />
          <Chart title="Failure rate" times={charts.times} series={charts.failure} summary={charts.summary.failure} />
          <Chart title="Run time percentiles" times={charts.times} series={charts.runtime} summary={charts.summary.runtime} />
          <Chart title="Queue wait percentiles" times={charts.times} series={charts.wait} summary={charts.summary.wait} />
        </div>
      )}
      {data && <RollupTable title="By task" rows={data.by_task} keyName="name" testid="overview-by-task" />}
      {data && <RollupTable title="By queue" rows={data.by_queue} keyName="queue" testid="overview-by-queue" />}
    </section>
  );
}

function chartsOf(data: Overview) {
  const s = data.series;
  const times = s.map((p) => new Date(p.t).getTime() / 1000);
  const pick = (f: (p: Overview["series"][number]) => number | undefined | null) => s.map((p) => f(p) ?? null);
  const seconds = (v: number) => formatDuration(v);
  const throughput: ChartSeries[] = [
    { label: "succeeded", color: Colors.ok, values: pick((p) => p.succeeded ?? 0), format: count },
    { label: "failed", color: Colors.bad, dash: [6, 3], values: pick((p) => p.failed ?? 0), format: count },
    { label: "retried", color: Colors.warn, dash: [2, 3], values: pick((p) => p.retried ?? 0), format: count },
    { label: "received", color: Colors.blue, dash: [10, 4, 2, 4], values: pick((p) => p.received ?? 0), format: count },
  ];
  const failure: ChartSeries[] = [{
    label: "failed / finished", color: Colors.bad,
    values: pick((p) => { const n = (p.succeeded ?? 0) + (p.failed ?? 0); return n ? (p.failed ?? 0) / n : null; }), format: percent,
  }];
  const runtime: ChartSeries[] = [
    { label: "p50", color: Colors.blue, values: pick((p) => p.runtime_p50), format: seconds },
    { label: "p95", color: Colors.violet, dash: [6, 3], values: pick((p) => p.runtime_p95), format: seconds },
    { label: "p99", color: Colors.bad, dash: [2, 3], values: pick((p) => p.runtime_p99), format: seconds },
  ];
  const wait: ChartSeries[] = [
    { label: "p50", color: Colors.blue, values: pick((p) => p.wait_p50), format: seconds },
    { label: "p95", color: Colors.violet, dash: [6, 3], values: pick((p) => p.wait_p95), format: seconds },
  ];
  const last = (series: ChartSeries[]) => series.map((c) => {
    const v = [...c.values].reverse().find((x) => x !== null);
    return `${c.label} ${v === undefined || v === null ? "none" : c.format(v)}`;
  }).join(", ");
  return {
    times, throughput, failure, runtime, wait,
    summary: { throughput: "Latest: " + last(throughput), failure: "Latest: " + last(failure), runtime: "Latest: " + last(runtime), wait: "Latest: " + last(wait) },
  };
}

function RollupTable({ title, rows, keyName, testid }: { title: string; rows: RollupRow[]; keyName: "name" | "queue"; testid: string }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {rows.length === 0 ? <p class="notice">Nothing finished in this window.</p> : (
        <Grid caption={title} testid={testid} columns={[keyName === "name" ? "Task" : "Queue", ...["Succeeded", "Failed", "Failure rate", "Run time p50", "Run time p95", "Wait p50", "Wait p95"].map((label) => ({ label, num: true }))]}>
              {rows.map((r) => {
                const key = (keyName === "name" ? r.name : r.queue) ?? "—";
                return (
                  <tr key={key}>
                    <th scope="row"><a href={href("/tasks", { [keyName]: key })}>{key}</a></th>
                    <td class="num">{formatNumber(r.succeeded)}</td>
                    <td class="num">{formatNumber(r.failed)}</td>
                    <td class="num">{formatPercent(r.failure_rate)}</td>
                    <td class="num">{formatDuration(r.runtime_p50)}</td>
                    <td class="num">{formatDuration(r.runtime_p95)}</td>
                    <td class="num">{formatDuration(r.wait_p50)}</td>
                    <td class="num">{formatDuration(r.wait_p95)}</td>
                  </tr>
                );
              })}
            </Grid>
      )}
    </section>
  );
}

function Choice({ label, any, testid, value, options, onChange }:
  { label: string; any: string; testid: string; value: string; options: string[]; onChange: (value: string) => void }) {
  return (
    <label class="field">
      <span>{label}</span>
      <select value={value} data-testid={testid} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">{any}</option>
        {withCurrent(options, value).map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
    </label>
  );
}
