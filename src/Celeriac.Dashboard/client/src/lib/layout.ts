// A layered layout for a workflow's DAG: each node's layer is its longest path from a source (so a chain
// reads left to right and a chord's body sits after all its header), and nodes in a layer are ordered by
// the mean position of their predecessors (one barycentre pass), which untangles the usual canvas shapes.
import type { Workflow, WorkflowEdge, WorkflowNode } from "./types";

export type NodeKind = "header" | "body" | "chain" | "group";

export interface PlacedNode {
  node: WorkflowNode;
  kind: NodeKind;
  layer: number;
  x: number;
  y: number;
}

export interface Layout {
  nodes: PlacedNode[];
  edges: { edge: WorkflowEdge; from: PlacedNode; to: PlacedNode }[];
  width: number;
  height: number;
}

export const NodeWidth = 180;
export const NodeHeight = 50;
const GapX = 56;
const GapY = 16;
const Margin = 8;

export function layoutWorkflow(workflow: Workflow): Layout {
  const byId = new Map(workflow.nodes.map((n) => [n.id, n]));
  const edges = workflow.edges.filter((e) => byId.has(e.from) && byId.has(e.to) && e.from !== e.to);
  const outgoing = new Map<string, string[]>();
  const incoming = new Map<string, string[]>();
  for (const e of edges) {
    (outgoing.get(e.from) ?? outgoing.set(e.from, []).get(e.from)!).push(e.to);
    (incoming.get(e.to) ?? incoming.set(e.to, []).get(e.to)!).push(e.from);
  }

  // Longest path from the sources, by Kahn's order; anything left in a cycle goes after the rest.
  const layer = new Map<string, number>();
  const pending = new Map(workflow.nodes.map((n) => [n.id, incoming.get(n.id)?.length ?? 0]));
  const queue = workflow.nodes.filter((n) => pending.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    for (const next of outgoing.get(id) ?? []) {
      layer.set(next, Math.max(layer.get(next) ?? 0, layer.get(id)! + 1));
      const left = pending.get(next)! - 1;
      pending.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  const deepest = Math.max(0, ...layer.values());
  for (const n of workflow.nodes) if (!layer.has(n.id)) layer.set(n.id, deepest + 1);

  const layers: string[][] = [];
  for (const n of workflow.nodes) (layers[layer.get(n.id)!] ??= []).push(n.id);
  const position = new Map<string, number>();
  layers.forEach((ids, l) => {
    if (l > 0) {
      const centre = (id: string) => {
        const preds = (incoming.get(id) ?? []).filter((p) => position.has(p));
        return preds.length ? preds.reduce((s, p) => s + position.get(p)!, 0) / preds.length : Number.MAX_SAFE_INTEGER;
      };
      const keyed = ids.map((id, i) => ({ id, c: centre(id), i }));
      keyed.sort((a, b) => a.c - b.c || a.i - b.i);
      ids.splice(0, ids.length, ...keyed.map((k) => k.id));
    }
    ids.forEach((id, i) => position.set(id, i));
  });

  const tallest = Math.max(1, ...layers.map((ids) => ids?.length ?? 0));
  const height = Margin * 2 + tallest * NodeHeight + (tallest - 1) * GapY;
  const groupSizes = new Map<string, number>();
  for (const n of workflow.nodes) if (n.group_id) groupSizes.set(n.group_id, (groupSizes.get(n.group_id) ?? 0) + 1);

  const placed = new Map<string, PlacedNode>();
  layers.forEach((ids, l) => {
    if (!ids) return;
    // Centre each layer vertically so a single body lines up with the middle of its header.
    const offset = ((tallest - ids.length) * (NodeHeight + GapY)) / 2;
    ids.forEach((id, i) => {
      const node = byId.get(id)!;
      placed.set(id, { node, kind: node.kind ?? kindOf(node, edges, groupSizes), layer: l, x: Margin + l * (NodeWidth + GapX), y: Margin + offset + i * (NodeHeight + GapY) });
    });
  });

  return {
    nodes: workflow.nodes.map((n) => placed.get(n.id)!),
    edges: edges.map((edge) => ({ edge, from: placed.get(edge.from)!, to: placed.get(edge.to)! })),
    width: Margin * 2 + layers.length * NodeWidth + Math.max(0, layers.length - 1) * GapX,
    height,
  };
}

function kindOf(node: WorkflowNode, edges: WorkflowEdge[], groupSizes: Map<string, number>): NodeKind {
  if (edges.some((e) => e.kind === "chord" && e.to === node.id)) return "body";
  if (edges.some((e) => e.kind === "chord" && e.from === node.id)) return "header";
  if (edges.some((e) => e.kind === "group" && e.to === node.id)) return "group";
  if (node.group_id && (groupSizes.get(node.group_id) ?? 0) > 1) return "group";
  return "chain";
}
