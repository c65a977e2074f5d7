/** More words than this in one search is a 400 (a sentence, not a query for a product). */
export const MAX_QUERY_WORDS = 10;

/**
 * The words of a search query: runs of letters and digits, lower-cased, each once — the way the
 * catalog's search document splits a name ("Storm-Lantern" is "storm" and "lantern").
 * Everything else (punctuation, quotes, operators) only separates words, so nothing a client
 * types reaches the text-search syntax.
 */
export function wordsOf(q: string): string[] {
  const words =
    q
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)];
}
