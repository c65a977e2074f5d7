/** The first block of a UUID: enough to tell orders apart on a screen and to say aloud. */
export const shortId = (id: string) => id.slice(0, 8);
