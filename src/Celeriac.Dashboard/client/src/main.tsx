import { render } from "preact";
import { App } from "./App";
import { get, useSessionToken } from "./lib/api";
import { startLive } from "./lib/live";
import type { Session } from "./lib/types";

// The session first: without it we do not know whether to render actions, nor the token they need.
const root = document.getElementById("app")!;
get<Session>("api/session").then(
  (session) => {
    useSessionToken(session);
    document.title = session.title || "Celeriac";
    render(<App session={session} />, root);
    startLive();
  },
  (e: Error) => {
    root.innerHTML = "";
    const main = document.createElement("main");
    main.className = "fatal";
    const heading = document.createElement("h1");
    heading.textContent = "The dashboard cannot start";
    const text = document.createElement("p");
    text.textContent = e.message;
    main.append(heading, text);
    root.append(main);
  },
);
