// Queues: depth (and per-priority lists on Redis), consumers and rates; purge after typing the queue's name.
import { useState } from "preact/hooks";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Grid } from "../components/Grid";
import { LoadState } from "../components/Status";
import { toastOk } from "../components/Toast";
import { apiUrl, post } from "../lib/api";
import { formatNumber, formatRate } from "../lib/format";
import { href } from "../lib/router";
import { useCanAct } from "../lib/session";
import type { Queue } from "../lib/types";
import { useApi } from "../lib/useApi";

export function QueuesPage() {
  const { data, error, loading, reload } = useApi<Queue[]>(apiUrl("fleet/queues"));
  const canAct = useCanAct();
  const [purging, setPurging] = useState<string>();

  return (
    <section aria-labelledby="queues-title">
      <div class="page-head"><h1 id="queues-title">Queues</h1></div>
      <LoadState loading={loading && !data} error={error} empty={data && data.length === 0 && "No queues known yet: workers report the queues they consume."} />
      {data && data.length > 0 && (
        <Grid caption="Queues with their depth, consumers and rates" columns={["Queue", { label: "Messages", num: true }, "By priority", { label: "Consumers", num: true }, "Workers", { label: "In", num: true }, { label: "Out", num: true }, { label: "Actions", show: canAct }]}>
              {data.map((q) => (
                <tr key={q.name} data-testid="queue-row" data-queue={q.name}>
                  <th scope="row"><a href={href("/tasks", { queue: q.name })}>{q.name}</a></th>
                  <td class="num" data-testid="queue-messages">{formatNumber(q.messages)}</td>
                  <td class="mono">{q.priorities && Object.keys(q.priorities).length
                    ? Object.entries(q.priorities).map(([p, n]) => `p${p}: ${n}`).join(", ") : "—"}</td>
                  <td class="num">{formatNumber(q.consumers)}</td>
                  <td class="mono">{q.workers?.length ? q.workers.join(", ") : "—"}</td>
                  <td class="num">{formatRate(q.rate_in)}</td>
                  <td class="num">{formatRate(q.rate_out)}</td>
                  {canAct && (
                    <td><button type="button" class="danger small" data-testid="queue-purge" onClick={() => setPurging(q.name)}
                      aria-label={"Purge " + q.name}>Purge</button></td>
                  )}
                </tr>
              ))}
            </Grid>
      )}
      {purging !== undefined && (
        <ConfirmDialog title={"Purge " + purging} okLabel="Purge" danger typeToConfirm={purging} onClose={() => setPurging(undefined)}
          onConfirm={async () => {
            const { purged } = await post<{ purged: number }>(apiUrl("fleet/queues/" + encodeURIComponent(purging) + "/purge"), { confirm: purging });
            toastOk(`Purged ${formatNumber(purged)} message${purged === 1 ? "" : "s"} from ${purging}.`);
            reload();
          }}>
          <p>Every message waiting in <strong>{purging}</strong> is deleted and will never run. Tasks already taken by workers are not affected. This cannot be undone.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
