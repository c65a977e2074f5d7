const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An API timestamp as the reader's local date and time. */
export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
