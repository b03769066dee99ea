// The one way the pages talk to the server: JSON in and out, paths relative to the page's <base> (so the
// dashboard works under any mount prefix), the session's CSRF token on every state-changing request, and
// the server's {"error": "..."} turned into an ApiError whose message is that sentence.
import type { Session } from "./types";

let csrfHeader = "X-Celeriac-Csrf";
let csrfToken = "";

/** An error the API answered with (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** Remembers the session's token so post/put send it. */
export function useSessionToken(session: Session) {
  csrfHeader = session.csrf_header || csrfHeader;
  csrfToken = session.csrf_token || "";
}

/** Builds `api/<path>?<query>`, leaving out empty values. */
export function apiUrl(path: string, query?: Record<string, string | number | boolean | undefined | null>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return "api/" + path + (text ? "?" + text : "");
}

async function request<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers[csrfHeader] = csrfToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      signal,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError("The dashboard did not answer (" + (e as Error).message + ").", 0);
  }
  const text = await response.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!response.ok) {
    const message = (data as { error?: string } | undefined)?.error
      ?? `${method} ${url} failed: ${response.status} ${response.statusText}`.trim();
    throw new ApiError(message, response.status);
  }
  return data as T;
}

export const get = <T>(url: string, signal?: AbortSignal) => request<T>("GET", url, undefined, signal);
export const post = <T>(url: string, body?: unknown) => request<T>("POST", url, body ?? {});
export const put = <T>(url: string, body: unknown) => request<T>("PUT", url, body);
