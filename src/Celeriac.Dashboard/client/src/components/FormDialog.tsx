// A dialog with labelled inputs: required ones must be filled before OK; the server's answer (or its
// error) goes to the toast and the dialog closes on success. Stays open on an error so the input can be fixed.
import { useState } from "preact/hooks";
import { Dialog, DialogButtons } from "./Dialog";
import { toastError } from "./Toast";

export interface Field {
  name: string;
  label: string;
  type: "text" | "number";
  value: string;
  optional?: boolean;
  min?: number;
}

export interface FormDialogProps {
  title: string;
  okLabel: string;
  fields: Field[];
  prefill?: Record<string, string>;
  onSubmit: (values: Record<string, string>) => Promise<void>;
  onClose: () => void;
}

export function FormDialog({ title, okLabel, fields, prefill, onSubmit, onClose }: FormDialogProps) {
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, prefill?.[f.name] ?? f.value])));
  const [busy, setBusy] = useState(false);
  const missing = fields.some((f) => !f.optional && values[f.name].trim() === "");
  const submit = async () => {
    if (missing) return;
    setBusy(true);
    try {
      await onSubmit(values);
      onClose();
    } catch (e) {
      toastError(e);
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose} onSubmit={submit} testid="form-dialog">
      <div class="dialog-body">
        {fields.map((f) => (
          <label class="field" key={f.name}>
            <span>{f.label}{f.optional ? " (optional)" : ""}</span>
            <input type={f.type} name={f.name} value={values[f.name]} required={!f.optional} min={f.min}
              step={f.type === "number" ? "any" : undefined} data-testid={"field-" + f.name}
              onInput={(e) => setValues({ ...values, [f.name]: (e.target as HTMLInputElement).value })} />
          </label>
        ))}
      </div>
      <DialogButtons okLabel={okLabel} onCancel={onClose} busy={busy} okDisabled={missing} />
    </Dialog>
  );
}
