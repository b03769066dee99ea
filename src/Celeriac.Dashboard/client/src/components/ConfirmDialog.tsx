// "Are you sure?" for an action: runs it on confirm, reports the outcome in the toast, closes either way.
import { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { Dialog, DialogButtons } from "./Dialog";
import { toastError } from "./Toast";

export interface ConfirmDialogProps {
  title: string;
  okLabel: string;
  children: ComponentChildren;
  danger?: boolean;
  /** When set, the user must type this exactly before OK is enabled (a queue purge). */
  typeToConfirm?: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ConfirmDialog({ title, okLabel, children, danger, typeToConfirm, onConfirm, onClose }: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [typed, setTyped] = useState("");
  const submit = async () => {
    if (typeToConfirm !== undefined && typed !== typeToConfirm) return;
    setBusy(true);
    try {
      await onConfirm();
    } catch (e) {
      toastError(e);
    }
    setBusy(false);
    onClose();
  };
  return (
    <Dialog title={title} onClose={onClose} onSubmit={submit} testid="confirm-dialog">
      <div class="dialog-body">
        {children}
        {typeToConfirm !== undefined && (
          <label class="field">
            <span>Type <code>{typeToConfirm}</code> to confirm</span>
            <input type="text" value={typed} autoComplete="off" spellcheck={false} data-testid="confirm-input"
              onInput={(e) => setTyped((e.target as HTMLInputElement).value)} autofocus />
          </label>
        )}
      </div>
      <DialogButtons okLabel={okLabel} onCancel={onClose} busy={busy} danger={danger}
        okDisabled={typeToConfirm !== undefined && typed !== typeToConfirm} />
    </Dialog>
  );
}
