// How values are shown: times, durations, counts, states, a worker's software. Pure and cheap: they run per row.

const timeFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });

export function formatTime(iso?: string | null): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

/** "12 s ago", "3 min ago", "2 h ago"; the exact time is in the element's title. */
export function formatAgo(iso?: string | null, now = Date.now()): string {
  if (!iso) return "—";
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (isNaN(seconds)) return iso;
  if (seconds < 0) return "in " + formatSpan(-seconds);
  return formatSpan(seconds) + " ago";
}

function formatSpan(seconds: number): string {
  if (seconds < 90) return seconds + " s";
  if (seconds < 90 * 60) return Math.round(seconds / 60) + " min";
  if (seconds < 36 * 3600) return Math.round(seconds / 3600) + " h";
  return Math.round(seconds / 86400) + " d";
}

export function formatDuration(seconds?: number | null): string {
  if (seconds === undefined || seconds === null || isNaN(seconds)) return "—";
  if (seconds === 0) return "0";
  if (seconds < 0.001) return (seconds * 1e6).toFixed(0) + " µs";
  if (seconds < 1) return (seconds * 1000).toFixed(seconds < 0.01 ? 2 : 0) + " ms";
  if (seconds < 60) return seconds.toFixed(seconds < 10 ? 2 : 1) + " s";
  if (seconds < 3600) return (seconds / 60).toFixed(1) + " min";
  return (seconds / 3600).toFixed(1) + " h";
}

export function formatNumber(value?: number | null): string {
  return value === undefined || value === null ? "—" : value.toLocaleString();
}

export function formatPercent(rate?: number | null): string {
  return rate === undefined || rate === null ? "—" : (rate * 100).toFixed(rate < 0.1 ? 1 : 0) + " %";
}

export function formatRate(perSecond?: number | null): string {
  if (perSecond === undefined || perSecond === null) return "—";
  return perSecond >= 10 ? perSecond.toFixed(0) + "/s" : perSecond.toFixed(2) + "/s";
}

/** A worker's language and software from sw_ident/sw_ver, plainly: "Python (py-celery 5.2.6)". */
export function describeSoftware(ident?: string, version?: string): string {
  if (!ident) return "unknown";
  const software = version ? `${ident} ${version}` : ident;
  const lower = ident.toLowerCase();
  const language = lower.startsWith("py-") || lower.includes("celery") && !lower.includes("celeriac") ? "Python"
    : lower.includes("celeriac") ? ".NET"
    : lower.startsWith("rb-") || lower.includes("ruby") ? "Ruby"
    : lower.startsWith("go-") || lower.includes("gocelery") ? "Go"
    : lower.startsWith("node") || lower.includes("js") ? "Node.js"
    : undefined;
  return language ? `${language} (${software})` : software;
}

/** The states a task can be in, in lifecycle order (the state filter's options). */
export const TaskStates = ["PENDING", "RECEIVED", "STARTED", "RETRY", "SUCCESS", "FAILURE", "REVOKED", "REJECTED", "IGNORED"];

/** A state's kind, for its colour; the state's name is always shown beside the colour. */
export function stateKind(state?: string): "ok" | "bad" | "warn" | "run" | "wait" {
  switch ((state ?? "").toUpperCase()) {
    case "SUCCESS": return "ok";
    case "FAILURE": case "REJECTED": return "bad";
    case "RETRY": case "REVOKED": case "IGNORED": return "warn";
    case "STARTED": return "run";
    default: return "wait";
  }
}

/** A JSON text pretty-printed when it parses, else as it is (reprs from Python events are not JSON). */
export function prettyPayload(text?: unknown): string {
  if (text === undefined || text === null) return "";
  if (typeof text !== "string") return JSON.stringify(text, null, 2);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function shortId(id?: string): string {
  return id ? id.slice(0, 8) : "—";
}

/** A select's choices: distinct, sorted, and always including the current value (one the list no longer has). */
export function withCurrent(options: string[], current?: string): string[] {
  const list = [...new Set(options.filter(Boolean))].sort();
  return current && !list.includes(current) ? [current, ...list] : list;
}
