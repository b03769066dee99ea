// The one table shape the pages use: a caption for screen readers, header cells with scope="col"; rows are the
// caller's. On a phone each row becomes a card of "label: value" lines (app.css), the labels copied from the
// header onto the cells after each render (a few hundred attribute writes at most: pages are 50 rows).
import { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";

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
  const table = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    for (const row of table.current?.tBodies[0]?.rows ?? []) {
      for (let i = 0; i < row.cells.length && i < shown.length; i++) {
        if (row.cells[i].dataset.label !== shown[i].label) row.cells[i].dataset.label = shown[i].label;
      }
    }
  });
  return (
    <div class="table-wrap">
      <table ref={table} class={"grid stack" + (extra ? " " + extra : "")} data-testid={testid}>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>{shown.map((c) => <th key={c.label} scope="col" class={c.num ? "num" : undefined}>{c.label}</th>)}</tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
