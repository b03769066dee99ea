// Keyset paging: the server gives the next page's cursor; we keep the cursors walked so far for "previous".
import { useState } from "preact/hooks";

export interface Pager {
  cursor?: string;
  page: number;
  next: (cursor: string) => void;
  previous: () => void;
  reset: () => void;
}

export function usePager(): Pager {
  const [stack, setStack] = useState<string[]>([]);
  return {
    cursor: stack[stack.length - 1],
    page: stack.length + 1,
    next: (cursor) => setStack((s) => [...s, cursor]),
    previous: () => setStack((s) => s.slice(0, -1)),
    reset: () => setStack([]),
  };
}

export function PagerControls({ pager, nextCursor, label }: { pager: Pager; nextCursor?: string; label: string }) {
  return (
    <nav class="pager" aria-label={label + " pages"}>
      <button type="button" data-testid="page-previous" disabled={pager.page === 1} onClick={pager.previous}>← Previous</button>
      <span>Page {pager.page}</span>
      <button type="button" data-testid="page-next" disabled={!nextCursor} onClick={() => nextCursor && pager.next(nextCursor)}>Next →</button>
    </nav>
  );
}
