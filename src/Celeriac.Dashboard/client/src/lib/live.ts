// Live updates: one EventSource on api/live for the whole page. Each `changed` event is passed on to the
// pages' listeners, which refetch what they show; when the stream drops, a slow poll stands in for it until
// the browser's own reconnect succeeds. Listeners are told at most once per interval (see useLiveRefresh).
import { useEffect, useRef, useState } from "preact/hooks";

export type LiveStatus = "connecting" | "live" | "polling";

export interface LiveChange {
  tasks: string[];
  workers: string[];
}

type Listener = (change: LiveChange) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<(status: LiveStatus) => void>();
let status: LiveStatus = "connecting";
let source: EventSource | undefined;
let poll: ReturnType<typeof setInterval> | undefined;

/** How often pages refetch while the stream is down. */
const PollMs = 15_000;

function setStatus(next: LiveStatus) {
  if (status === next) return;
  status = next;
  for (const listener of statusListeners) listener(status);
}

function emit(change: LiveChange) {
  for (const listener of listeners) listener(change);
}

/** Opens the stream once; the pages subscribe with useLiveRefresh. */
export function startLive() {
  if (source || typeof EventSource === "undefined") return;
  source = new EventSource("api/live");
  source.addEventListener("open", () => {
    setStatus("live");
    if (poll) clearInterval(poll);
    poll = undefined;
  });
  source.addEventListener("changed", (event) => {
    let change: LiveChange = { tasks: [], workers: [] };
    try {
      const data = JSON.parse((event as MessageEvent).data);
      change = { tasks: data.tasks ?? [], workers: data.workers ?? [] };
    } catch {
      // A malformed event still means something changed.
    }
    emit(change);
  });
  source.addEventListener("error", () => {
    // EventSource reconnects by itself (unless the server refused it outright); poll meanwhile.
    setStatus("polling");
    if (!poll) poll = setInterval(() => emit({ tasks: [], workers: [] }), PollMs);
    if (source?.readyState === EventSource.CLOSED) {
      source = undefined;
      setTimeout(startLive, PollMs);
    }
  });
}

export function useLiveStatus(): LiveStatus {
  const [value, setValue] = useState(status);
  useEffect(() => {
    statusListeners.add(setValue);
    setValue(status);
    return () => void statusListeners.delete(setValue);
  }, []);
  return value;
}

/**
 * Calls `refresh` after live changes the page cares about (`relevant`, all by default): the first change
 * after a quiet spell waits `delayMs`, and later ones are folded into it, so a busy cluster costs at most
 * one refetch per `delayMs` per page — never a storm.
 */
export function useLiveRefresh(refresh: () => void, relevant?: (change: LiveChange) => boolean, delayMs = 1000) {
  const latest = useRef({ refresh, relevant });
  latest.current = { refresh, relevant };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listener = (change: LiveChange) => {
      const { relevant: wanted } = latest.current;
      if (wanted && !wanted(change) && !(change.tasks.length === 0 && change.workers.length === 0)) return;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (document.visibilityState !== "hidden") latest.current.refresh();
      }, delayMs);
    };
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (timer) clearTimeout(timer);
    };
  }, [delayMs]);
}
