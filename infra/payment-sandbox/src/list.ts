import type { Static } from '@sinclair/typebox';
import type { CreatedFilter } from './schemas/common.js';
import type { Sandbox } from './sandbox.js';
import type { StoredObject } from './store.js';
import { expand } from './expand.js';

export interface ListPage {
  limit: number;
  starting_after?: string;
  ending_before?: string;
  created?: Static<typeof CreatedFilter>;
  expand?: string[];
}

function createdMatches(created: number, filter: ListPage['created']): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'number') return created === filter;
  return (
    (filter.gt === undefined || created > filter.gt) &&
    (filter.gte === undefined || created >= filter.gte) &&
    (filter.lt === undefined || created < filter.lt) &&
    (filter.lte === undefined || created <= filter.lte)
  );
}

/**
 * One page of a Stripe list: `{ object: 'list', data, has_more, url }`, newest first, after
 * `starting_after` (or before `ending_before`), filtered by `created`, each item expanded by
 * the `data.…` paths of `expand[]`.
 */
export function listPage<T extends StoredObject>(
  sandbox: Sandbox,
  items: T[],
  page: ListPage,
  url: string,
) {
  let all = items.filter((item) => createdMatches(item.created, page.created));
  if (page.starting_after) {
    const index = all.findIndex((item) => item.id === page.starting_after);
    all = index === -1 ? [] : all.slice(index + 1);
  } else if (page.ending_before) {
    const index = all.findIndex((item) => item.id === page.ending_before);
    all = index === -1 ? [] : all.slice(0, index).slice(-page.limit);
  }
  const paths = (page.expand ?? [])
    .filter((path) => path.startsWith('data.'))
    .map((path) => path.slice('data.'.length));
  return {
    object: 'list' as const,
    data: all.slice(0, page.limit).map((item) => expand(sandbox, item, paths)),
    has_more: all.length > page.limit,
    url,
  };
}
