// The one table shape the pages use: in its own horizontally scrolling box (so a phone scrolls the table, not
// the page), a caption for screen readers, header cells with scope="col"; rows are the caller's.
import { ComponentChildren } from "preact";

export interface Column {
  label: string;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  /** Left out when false (e.g. the actions column in read-only mode). */
  show?: boolean;
}

export function Grid({ caption, columns, children, testid, class: extra }:
  { caption: string; columns: (Column | string)[]; children: ComponentChildren; testid?: string; class?: string }) {
  const shown = columns.map((c) => (typeof c === "string" ? { label: c } : c)).filter((c) => c.show !== false);
  return (
    <div class="table-wrap">
      <table class={"grid" + (extra ? " " + extra : "")} data-testid={testid}>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>{shown.map((c) => <th key={c.label} scope="col" class={c.num ? "num" : undefined}>{c.label}</th>)}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
