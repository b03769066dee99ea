// Loads one API resource for a page and keeps it fresh: refetched when the url changes and after live
// changes (debounced in useLiveRefresh). The last good data stays on screen while a refetch runs, so the
// page does not flash; an in-flight request is aborted when a newer one starts.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { get } from "./api";
import { LiveChange, useLiveRefresh } from "./live";

export interface ApiState<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(url: string | null, options?: { live?: boolean; relevant?: (change: LiveChange) => boolean; delayMs?: number }): ApiState<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean; url: string | null }>({ loading: url !== null, url });
  const controller = useRef<AbortController>();

  const load = useCallback(() => {
    if (url === null) return;
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    setState((s) => ({ ...s, loading: true, url }));
    get<T>(url, abort.signal).then(
      (data) => { if (!abort.signal.aborted) setState({ data, loading: false, url }); },
      (e: Error) => { if (!abort.signal.aborted) setState((s) => ({ ...s, error: e.message, loading: false, url })); },
    );
  }, [url]);

  useEffect(() => {
    // A new url drops the old data so one page's rows never show under another's filters.
    setState({ loading: url !== null, url });
    load();
    return () => controller.current?.abort();
  }, [load]);

  // Lists that rarely change (filter choices) pass live: false and load once per url.
  useLiveRefresh(options?.live === false ? noop : load, options?.relevant, options?.delayMs);
  return { data: state.url === url ? state.data : undefined, error: state.error, loading: state.loading, reload: load };
}

const noop = () => {};
