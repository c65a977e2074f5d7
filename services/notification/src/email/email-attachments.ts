import type { EventEnvelope, EventPayload } from '@switchyard/contracts';

/** A file an email carries, as the notification stores it until the email is sent. */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  /** The file's bytes in base64, exactly as the event gave them. */
  contentBase64: string;
}

/** The document's file name in the email: its number, which is what the customer files it by. */
export const documentFilename = (number: string) => `${number}.pdf`;

/**
 * What an event's email attaches: an issued invoice or credit note carries its rendered PDF,
 * the very bytes the download serves; other events attach nothing.
 */
export function emailAttachmentOf(event: EventEnvelope): EmailAttachment | null {
  if (event.name !== 'invoice.issued' && event.name !== 'credit_note.issued') return null;
  const d = event.data as EventPayload<'invoice.issued'>;
  return {
    filename: documentFilename(d.number),
    contentType: 'application/pdf',
    contentBase64: d.pdfBase64,
  };
}
