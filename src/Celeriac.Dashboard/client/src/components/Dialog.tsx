// A modal dialog on the native <dialog>: showModal makes the rest of the page inert (so focus stays inside),
// Escape closes it (the cancel event), and focus goes back to whatever opened it.
import { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** The form's submit: the dialog is a form so Enter submits. */
  onSubmit?: () => void;
  testid?: string;
}

let nextId = 0;

export function Dialog({ title, onClose, children, onSubmit, testid }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useRef("dialog-title-" + ++nextId).current;
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal?.();
    const first = dialog.querySelector<HTMLElement>("[autofocus], input, textarea, select, button:not(.dialog-x)");
    first?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // Back to the control that opened it, if it is still on the page.
      if (opener && document.contains(opener)) opener.focus();
    };
  }, []);

  return (
    <dialog ref={ref} class="dialog" aria-labelledby={titleId} data-testid={testid}
      onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <form method="dialog" onSubmit={(e) => { e.preventDefault(); onSubmit?.(); }}>
        <header class="dialog-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" class="dialog-x" aria-label="Close" onClick={onClose}>×</button>
        </header>
        {children}
      </form>
    </dialog>
  );
}

export interface DialogButtonsProps {
  okLabel: string;
  onCancel: () => void;
  okDisabled?: boolean;
  busy?: boolean;
  danger?: boolean;
}

/** The dialog's buttons: confirm-ok submits the form, confirm-cancel closes it (the contract's test ids). */
export function DialogButtons({ okLabel, onCancel, okDisabled, busy, danger }: DialogButtonsProps) {
  return (
    <div class="dialog-buttons">
      <button type="button" data-testid="confirm-cancel" onClick={onCancel}>Cancel</button>
      <button type="submit" class={danger ? "danger" : "primary"} data-testid="confirm-ok" disabled={okDisabled || busy}>
        {busy ? "Working…" : okLabel}
      </button>
    </div>
  );
}
