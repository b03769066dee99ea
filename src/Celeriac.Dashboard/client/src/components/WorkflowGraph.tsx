// The workflow a task belongs to (api/workflows/<root>) as an SVG graph: a node per task, coloured AND
// labelled with its state, each a link (focusable, Enter opens it); edges drawn by kind. Live: refetched
// when a task in it changes.
import { apiUrl } from "../lib/api";
import { stateKind } from "../lib/format";
import { layoutWorkflow, NodeHeight, NodeWidth, PlacedNode } from "../lib/layout";
import { taskHref } from "../lib/router";
import type { Workflow } from "../lib/types";
import { useApi } from "../lib/useApi";

/** Beyond this many tasks the graph is not drawn (it would be unreadable); the task list filtered by root is offered. */
const MaxNodes = 400;
const Symbols = { ok: "✓", bad: "✗", warn: "!", run: "▶", wait: "…" };

export function WorkflowGraph({ rootId, currentId }: { rootId: string; currentId: string }) {
  const { data, error, loading } = useApi<Workflow>(apiUrl("workflows/" + encodeURIComponent(rootId)), {
    relevant: (change): boolean => change.tasks.some((id) => data?.nodes.some((n) => n.id === id) ?? id === rootId),
  });
  if (error) return <p class="notice">No workflow graph: {error}</p>;
  if (!data) return loading ? <p class="notice" aria-busy="true">Loading the workflow…</p> : null;
  if (data.nodes.length <= 1) return <p class="notice">This task is not part of a larger workflow.</p>;
  if (data.nodes.length > MaxNodes) {
    return <p class="notice">This workflow has {data.nodes.length.toLocaleString()} tasks, too many to draw; <a href={"#/tasks?root_id=" + encodeURIComponent(rootId)}>list them</a>.</p>;
  }
  const layout = layoutWorkflow(data);
  return (
    <figure class="workflow">
      <div class="graph-scroll">
        <svg data-testid="workflow-graph" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group" aria-label={`Workflow of ${data.nodes.length} tasks`}>
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" class="arrow" />
            </marker>
          </defs>
          {layout.edges.map(({ edge, from, to }) => (
            <path key={edge.from + edge.to + edge.kind} class={"edge edge-" + edge.kind} marker-end="url(#arrow)"
              d={curve(from, to)} />
          ))}
          {layout.nodes.map((p) => <Node key={p.node.id} placed={p} current={p.node.id === currentId} />)}
        </svg>
      </div>
      <figcaption class="legend">
        Arrows: solid — next in a chain; dashed — member of a group; bold — chord header to its body.
        Each box shows the task's name and state; the highlighted box is this task.
      </figcaption>
    </figure>
  );
}

function Node({ placed, current }: { placed: PlacedNode; current: boolean }) {
  const { node, kind, x, y } = placed;
  const state = node.state ?? "PENDING";
  const sk = stateKind(state);
  const name = node.name ?? node.id.slice(0, 8);
  return (
    <a href={taskHref(node.id)} data-testid="workflow-node" data-task-id={node.id} data-state={state} data-kind={kind}
      class={"node state-" + sk + (current ? " current" : "")} aria-current={current ? "page" : undefined}
      aria-label={`${name}, ${state}, ${kind}${current ? ", this task" : ""}`}>
      <title>{`${name} (${node.id}) — ${state}`}</title>
      <rect x={x} y={y} width={NodeWidth} height={NodeHeight} rx={6} />
      <text x={x + 10} y={y + 20} class="node-name">{truncate(name, 24)}</text>
      <text x={x + 10} y={y + 39} class="node-state">{Symbols[sk]} {state} · {kind}</text>
    </a>
  );
}

function curve(from: PlacedNode, to: PlacedNode): string {
  const x1 = from.x + NodeWidth, y1 = from.y + NodeHeight / 2;
  const x2 = to.x, y2 = to.y + NodeHeight / 2;
  if (to.layer <= from.layer) {
    // A back or same-layer edge (only in odd data): loop under the nodes.
    return `M ${from.x + NodeWidth / 2} ${from.y + NodeHeight} C ${from.x + NodeWidth / 2} ${y1 + 80}, ${to.x + NodeWidth / 2} ${y2 + 80}, ${to.x + NodeWidth / 2} ${to.y + NodeHeight}`;
  }
  const mid = (x1 + x2) / 2;
  return `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2 - 2} ${y2}`;
}

function truncate(text: string, max: number) {
  return text.length > max ? "…" + text.slice(text.length - max + 1) : text;
}
