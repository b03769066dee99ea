// Beat: the periodic entries with their schedule, next runs, last run and outcome; pause/resume, run now
// (the toast names the task it sent) and edit (the entry as the schedule file's JSON, in a dialog).
import { useState } from "preact/hooks";
import { BeatEditDialog } from "../components/BeatEditDialog";
import { Grid } from "../components/Grid";
import { LoadState } from "../components/Status";
import { StateBadge } from "../components/StateBadge";
import { toastError, toastOk } from "../components/Toast";
import { apiUrl, post } from "../lib/api";
import { formatAgo, formatNumber, formatTime } from "../lib/format";
import { taskHref } from "../lib/router";
import { useCanAct } from "../lib/session";
import type { BeatEntry } from "../lib/types";
import { useApi } from "../lib/useApi";

export function BeatPage() {
  const { data, error, loading, reload } = useApi<BeatEntry[]>(apiUrl("beat"));
  const canAct = useCanAct();
  const [editing, setEditing] = useState<BeatEntry>();
  const [busy, setBusy] = useState<string>();

  const act = async (entry: BeatEntry, verb: "run" | "pause" | "resume") => {
    if (busy) return;
    setBusy(entry.name + verb);
    try {
      const answer = await post<{ task_id?: string }>(apiUrl("beat/" + encodeURIComponent(entry.name) + "/" + verb));
      if (verb === "run") toastOk(`Ran ${entry.name} now`, answer?.task_id);
      else toastOk(`${verb === "pause" ? "Paused" : "Resumed"} ${entry.name}.`);
      reload();
    } catch (e) {
      toastError(e);
    }
    setBusy(undefined);
  };

  return (
    <section aria-labelledby="beat-title">
      <div class="page-head"><h1 id="beat-title">Periodic tasks (beat)</h1></div>
      <LoadState loading={loading && !data} error={error} empty={data && data.length === 0 && "No beat entries are defined."} />
      {data && data.length > 0 && (
        <Grid caption="Beat entries" columns={["Entry", "Task", "Schedule", "Status", "Next runs", "Last run", { label: "Runs", num: true }, { label: "Actions", show: canAct }]}>
              {data.map((b) => (
                <tr key={b.name} data-testid="beat-row" data-name={b.name} data-paused={String(!!b.paused)}>
                  <th scope="row">{b.name}</th>
                  <td class="mono">{b.task}</td>
                  <td>{b.schedule}{b.zone && b.zone !== "UTC" ? <div class="sub">{b.zone}</div> : null}</td>
                  <td><span class={"badge " + (b.paused ? "state-warn" : "state-ok")}>{b.paused ? "Paused" : "Active"}</span></td>
                  <td>{b.paused || !b.next_runs?.length ? "—" : (
                    <ul class="plain">{b.next_runs.slice(0, 3).map((r) => <li key={r}><time dateTime={r} title={r}>{formatTime(r)}</time></li>)}</ul>
                  )}</td>
                  <td>
                    {b.last_run_at ? <time dateTime={b.last_run_at} title={formatTime(b.last_run_at)}>{formatAgo(b.last_run_at)}</time> : "never"}
                    {b.last_outcome && <div><a href={taskHref(b.last_outcome.task_id)}><StateBadge state={b.last_outcome.state ?? "PENDING"} /></a></div>}
                  </td>
                  <td class="num">{formatNumber(b.total_run_count)}</td>
                  {canAct && (
                    <td><div class="row-actions">
                      <button type="button" class="small primary" data-testid="beat-run-now" aria-busy={busy === b.name + "run"}
                        aria-label={"Run " + b.name + " now"} onClick={() => act(b, "run")}>Run now</button>
                      {b.paused
                        ? <button type="button" class="small" data-testid="beat-resume" aria-label={"Resume " + b.name} onClick={() => act(b, "resume")}>Resume</button>
                        : <button type="button" class="small" data-testid="beat-pause" aria-label={"Pause " + b.name} onClick={() => act(b, "pause")}>Pause</button>}
                      <button type="button" class="small" data-testid="beat-edit" aria-label={"Edit " + b.name} onClick={() => setEditing(b)}>Edit</button>
                    </div></td>
                  )}
                </tr>
              ))}
            </Grid>
      )}
      {editing && <BeatEditDialog entry={editing} onClose={() => setEditing(undefined)} onSaved={reload} />}
    </section>
  );
}
