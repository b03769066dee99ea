// A task's state: its name in text, with a colour and a symbol as extra cues (never colour alone).
import { stateKind } from "../lib/format";

const Symbols = { ok: "✓", bad: "✗", warn: "!", run: "▶", wait: "…" };

export function StateBadge({ state }: { state?: string }) {
  const kind = stateKind(state);
  return (
    <span class={"badge state-" + kind}>
      <span aria-hidden="true">{Symbols[kind]} </span>{state ?? "UNKNOWN"}
    </span>
  );
}
