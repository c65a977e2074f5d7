import { useEffect, useRef } from 'react';
import { fieldId } from './field';

interface ErrorSummaryProps {
  message: string;
  /** The form whose fields the links go to, and each refused field's message by name. */
  form?: string;
  fields?: Record<string, string>;
  /** Field name → its label, for the links. */
  labels?: Record<string, string>;
}

/**
 * A failed action, said once at the top of the form: focused when it appears (so keyboard and
 * screen-reader users land on it), each refused field linked to its input.
 */
export function ErrorSummary({ message, form, fields = {}, labels = {} }: ErrorSummaryProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [message, fields]);
  const entries = Object.entries(fields);
  return (
    <div ref={ref} className="error-summary" role="alert" tabIndex={-1}>
      <h2 className="error-summary__title">There is a problem</h2>
      <p>{message}</p>
      {form && entries.length > 0 && (
        <ul>
          {entries.map(([name, text]) => (
            <li key={name}>
              <a href={`#${fieldId(form, name)}`}>
                {labels[name] ?? name}: {text}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
