import { useId, type InputHTMLAttributes, type Ref } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  name: string;
  /** The form it belongs to: its input's id is then fieldId(formName, name). */
  formName?: string;
  /** How to fill it in, shown under the label. */
  hint?: string;
  /** Why the value was refused, shown next to it and read out with it. */
  error?: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
}

/** The id of a form field's input, for an error summary's link to it. */
export const fieldId = (form: string, name: string) => `${form}-${name}`;

/**
 * One labelled input with its hint and its error, each tied to the input (aria-describedby),
 * so a screen reader hears why a value was refused when it reaches the field.
 */
export function Field({ label, name, formName, hint, error, inputRef, ...input }: FieldProps) {
  const generated = useId();
  const id = formName ? fieldId(formName, name) : generated;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ');
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <input
        {...input}
        id={id}
        name={name}
        ref={inputRef}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
    </div>
  );
}
