import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { type FormEvent, type ReactNode, useEffect, useRef } from 'react';

/**
 * The legal team's decision with its reason (BRE-4: a person decides, and says why): a modal dialog (the
 * browser's <dialog>: focus kept inside, Escape closes, focus back to the button that opened it).
 */
export function ReasonDialog({
  title,
  extra,
  onConfirm,
  onClose,
}: {
  title: string;
  extra?: ReactNode;
  onConfirm: (fields: Record<string, string>) => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const fields = Object.fromEntries([...new FormData(event.currentTarget)].map(([k, v]) => [k, String(v).trim()]));
    onConfirm(fields);
  };

  return (
    <dialog id="reason-dialog" ref={dialog} aria-labelledby="reason-title" className="reason-dialog" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="reason-title" className="fr-h4">
          {title}
        </h2>
        {extra}
        <Input label="Motif (obligatoire)" textArea nativeTextAreaProps={{ name: 'reason', required: true, rows: 3 }} />
        <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--right">
          <li>
            <Button type="button" priority="secondary" onClick={() => dialog.current?.close()}>
              Annuler
            </Button>
          </li>
          <li>
            <Button type="submit" id="reason-ok">
              Confirmer
            </Button>
          </li>
        </ul>
      </form>
    </dialog>
  );
}
