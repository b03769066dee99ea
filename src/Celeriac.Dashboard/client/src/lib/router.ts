// Hash routes (API16.md): #/ overview, #/workers, #/tasks?filters, #/tasks/<id>, #/queues, #/beat, #/audit.
// The hash keeps the server out of routing: the page is served once at the mount path, whatever the route.
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** The path after "#", e.g. "/tasks/abc". */
  path: string;
  /** The query after "?" in the hash. */
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, "") || "/";
  const at = hash.indexOf("?");
  const path = at < 0 ? hash : hash.slice(0, at);
  return { path: path || "/", query: new URLSearchParams(at < 0 ? "" : hash.slice(at + 1)) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const changed = () => setRoute(currentRoute());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

/** The href of a route with a query, leaving out empty values. */
export function href(path: string, query?: Record<string, string | undefined>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value) params.set(key, value);
  const text = params.toString();
  return "#" + path + (text ? "?" + text : "");
}

export const taskHref = (id: string) => "#/tasks/" + encodeURIComponent(id);

export function navigate(to: string) {
  if (location.hash !== to) location.hash = to;
}
