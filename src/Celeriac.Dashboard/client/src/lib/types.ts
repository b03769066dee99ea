// The API's shapes (API16.md), as the pages read them. Fields the server leaves out when null are optional.

export interface Session {
  title: string;
  read_only: boolean;
  csrf_token: string;
  csrf_header: string;
  user?: string;
  version?: string;
  broker?: string;
}

export interface TaskRow {
  id: string;
  name?: string;
  state?: string;
  worker?: string;
  queue?: string;
  root_id?: string;
  parent_id?: string;
  group_id?: string;
  args?: string;
  kwargs?: string;
  result?: string;
  exception?: string;
  traceback?: string;
  runtime?: number;
  retries?: number;
  first_seen?: string;
  updated?: string;
  received?: string;
  started?: string;
  finished?: string;
  eta?: string;
  expires?: string;
  [field: string]: unknown;
}

export interface TaskPage {
  tasks: TaskRow[];
  next_cursor?: string;
}

export interface TimelineEntry {
  state: string;
  at: string;
  worker?: string;
  detail?: string;
}

export interface TaskDetail {
  task: TaskRow;
  timeline: TimelineEntry[];
  children?: TaskRow[];
  result_source?: "store" | "backend";
  backend?: { state?: string; result?: unknown; traceback?: string; args?: unknown; kwargs?: unknown; date_done?: string } | null;
  retryable?: boolean;
  retry_refusal?: string | null;
}

export interface WorkflowNode {
  id: string;
  name?: string;
  state?: string;
  parent_id?: string;
  group_id?: string;
  runtime?: number;
  worker?: string;
  /** The node's part in the canvas when the server knows it; else the layout works it out from the edges. */
  kind?: "header" | "body" | "chain" | "group";
}

export interface WorkflowEdge {
  from: string;
  to: string;
  kind: "parent" | "group" | "chord";
}

export interface Workflow {
  root_id: string;
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

export interface Worker {
  hostname: string;
  online: boolean;
  sw_ident?: string;
  sw_ver?: string;
  sw_sys?: string;
  concurrency?: number;
  active?: number;
  processed?: number;
  loadavg?: number[];
  freq?: number;
  last_heartbeat?: string;
  offline_since?: string;
  queues?: string[];
  autoscale?: { max: number; min: number } | null;
}

export interface Queue {
  name: string;
  messages?: number;
  priorities?: Record<string, number> | null;
  consumers?: number;
  workers?: string[];
  rate_in?: number;
  rate_out?: number;
}

export interface BeatEntry {
  name: string;
  task: string;
  schedule: string;
  args?: unknown[];
  kwargs?: Record<string, unknown>;
  options?: Record<string, unknown>;
  paused?: boolean;
  last_run_at?: string;
  total_run_count?: number;
  next_runs?: string[];
  last_outcome?: { task_id: string; state?: string } | null;
  zone?: string;
  /** The entry in the schedule file's JSON shape, when the server sends it (what the edit dialog starts from). */
  definition?: Record<string, unknown>;
}

export interface SeriesPoint {
  t: string;
  succeeded?: number;
  failed?: number;
  retried?: number;
  received?: number;
  runtime_p50?: number;
  runtime_p95?: number;
  runtime_p99?: number;
  wait_p50?: number;
  wait_p95?: number;
}

export interface RollupRow {
  name?: string;
  queue?: string;
  succeeded?: number;
  failed?: number;
  failure_rate?: number;
  runtime_p50?: number;
  runtime_p95?: number;
  wait_p50?: number;
  wait_p95?: number;
}

export interface Overview {
  from: string;
  to: string;
  step_seconds: number;
  workers_online?: number;
  series: SeriesPoint[];
  by_task: RollupRow[];
  by_queue: RollupRow[];
}

export interface AuditEntry {
  at: string;
  user?: string;
  remote?: string;
  action: string;
  target?: string;
  detail?: unknown;
  outcome?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  next_cursor?: string;
}

export interface BulkResult {
  matched: number;
  acted: number;
  task_ids?: string[];
  refused?: { id: string; reason: string }[];
}
