// What other packages use of catalog search: the benchmark EXPLAINs the statements the service
// runs for a query (bench/src/catalog-search/), as docs/decisions/0013 has ceilings do.
export { catalogQueryOf } from './catalog-query.js';
export { wordsOf } from './query-words.js';
export { searchStatements } from './search-statements.js';
export { WORD_MATCHES_SQL } from './word-matches.js';
