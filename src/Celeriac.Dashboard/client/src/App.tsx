/** The shell: header (title, live indicator, read-only badge), navigation, and the page for the hash route. */
import type { FunctionComponent } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { Toasts } from "./components/Toast";
import { useLiveStatus } from "./lib/live";
import { useRoute } from "./lib/router";
import { SessionContext } from "./lib/session";
import type { Session } from "./lib/types";
import { AuditPage } from "./pages/AuditPage";
import { BeatPage } from "./pages/BeatPage";
import { QueuesPage } from "./pages/QueuesPage";
import { TaskDetailPage } from "./pages/TaskDetailPage";
import { TasksPage } from "./pages/TasksPage";
import { WorkersPage } from "./pages/WorkersPage";

// The overview carries the charting library (its own chunk); the other pages never load it.
let overviewPage: FunctionComponent | undefined;

function LazyOverview() {
  const [Page, setPage] = useState<FunctionComponent | undefined>(() => overviewPage);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (Page) return;
    import("./pages/OverviewPage").then(
      (m) => { overviewPage = m.OverviewPage; setPage(() => m.OverviewPage); },
      (e: Error) => setError(e.message),
    );
  }, []);
  if (error) return <p class="notice notice-error" role="alert">Could not load the charts: {error}</p>;
  return Page ? <Page /> : <p class="notice" aria-busy="true">Loading charts…</p>;
}

const Pages = [
  { id: "overview", path: "/", label: "Overview" },
  { id: "workers", path: "/workers", label: "Workers" },
  { id: "tasks", path: "/tasks", label: "Tasks" },
  { id: "queues", path: "/queues", label: "Queues" },
  { id: "beat", path: "/beat", label: "Beat" },
  { id: "audit", path: "/audit", label: "Audit" },
];

export function App({ session }: { session: Session }) {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const main = useRef<HTMLElement>(null);
  const section = route.path === "/" ? "/" : "/" + route.path.split("/")[1];
  const current = Pages.find((p) => p.path === section) ?? Pages[0];

  useEffect(() => {
    setMenuOpen(false);
    document.title = `${current.label} · ${session.title || "Celeriac"}`;
  }, [route.path]);

  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>Skip to content</a>
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">◆</span>
          <span class="title">{session.title || "Celeriac"}</span>
          {session.read_only && <span class="badge read-only" data-testid="read-only-badge">Read-only</span>}
        </div>
        <LiveIndicator />
        <button type="button" class="menu-button" aria-expanded={menuOpen} aria-controls="nav-links"
          onClick={() => setMenuOpen(!menuOpen)}>Menu</button>
        <nav aria-label="Dashboard pages">
          <ul id="nav-links" class={menuOpen ? "open" : ""}>
            {Pages.map((p) => (
              <li key={p.id}>
                <a href={"#" + p.path} data-testid={"nav-" + p.id} aria-current={p === current ? "page" : undefined}>{p.label}</a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Page path={route.path} query={route.query} />
      </main>
      <Toasts />
    </SessionContext.Provider>
  );
}

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  if (path === "/" || path === "") {
    return <LazyOverview />;
  }
  if (path === "/workers") return <WorkersPage />;
  if (path === "/tasks") return <TasksPage query={query} />;
  if (path.startsWith("/tasks/")) return <TaskDetailPage id={decodeURIComponent(path.slice("/tasks/".length))} />;
  if (path === "/queues") return <QueuesPage />;
  if (path === "/beat") return <BeatPage />;
  if (path === "/audit") return <AuditPage />;
  return <section><h1>Not found</h1><p>There is no page at <code>#{path}</code>. <a href="#/">Go to the overview</a>.</p></section>;
}

function LiveIndicator() {
  const status = useLiveStatus();
  const text = status === "live" ? "Live" : status === "polling" ? "Reconnecting (polling)" : "Connecting";
  return (
    <span class={"live live-" + status} data-testid="live-indicator" data-status={status}
      title={status === "live" ? "Updates arrive as events are ingested" : "The live stream is down; pages refresh every 15 s"}>
      <span class="dot" aria-hidden="true" />{text}
    </span>
  );
}
