// The session read once at start (api/session): title, read-only mode, the CSRF token. Pages read it
// through useSession; read-only pages render no action controls at all (API16.md's list).
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Session } from "./types";

export const SessionContext = createContext<Session>({ title: "Celeriac", read_only: true, csrf_token: "", csrf_header: "X-Celeriac-Csrf" });

export const useSession = () => useContext(SessionContext);

/** True when actions may be shown. */
export const useCanAct = () => !useContext(SessionContext).read_only;
