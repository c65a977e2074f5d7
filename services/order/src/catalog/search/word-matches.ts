import type pg from 'pg';
import { textQueryOf, type WordMatch } from './text-query.js';

/**
 * What the catalog knows about each query word, in one statement: its English stem, and —
 * only when no catalog word starts with it (nor with its stem) — the catalog words most like
 * it by trigram similarity (pg_trgm's `%`: similarity of at least pg_trgm.similarity_threshold,
 * 0.3 unless the database sets another). Both lookups are index scans of catalog_words
 * (SP-GiST for `^@`, GIN trigrams for `%`) once it outgrows a few pages.
 */
export const WORD_MATCHES_SQL = `
  SELECT w.word, s.stem,
         CASE WHEN EXISTS (SELECT 1 FROM catalog_words c WHERE c.word ^@ w.word)
                OR EXISTS (SELECT 1 FROM catalog_words c WHERE c.word ^@ nullif(s.stem, ''))
              THEN '[]'::json
              ELSE (SELECT coalesce(json_agg(json_build_object('word', c.word, 'similarity', c.similarity)), '[]')
                      FROM (SELECT c.word, similarity(c.word, w.word) AS similarity
                              FROM catalog_words c
                             WHERE c.word % w.word
                             ORDER BY 2 DESC, 1
                             LIMIT 3) c)
         END AS similar
    FROM unnest($1::text[]) WITH ORDINALITY AS w(word, ord)
   CROSS JOIN LATERAL (SELECT coalesce((ts_lexize('english_stem', w.word))[1], '') AS stem) s
   ORDER BY w.ord`;

/** The tsquery text for the query's words (see textQueryOf), after looking them up. */
export async function textQueryFor(pool: pg.Pool, words: string[]): Promise<string | null> {
  const { rows } = await pool.query<WordMatch>(WORD_MATCHES_SQL, [words]);
  return textQueryOf(rows);
}
