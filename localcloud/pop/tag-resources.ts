import { ApiError, invalidParameter, missingParameter } from '../core/api-error.js';
import { pageByToken } from '../core/paging.js';
import { checkTags, matchesTags } from '../core/tags.js';
import type { Tags } from '../state.js';
import type { Params } from './params.js';

/** One taggable resource type of a product, e.g. ECS `instance` or VPC `TRAFFICMIRRORSESSION`. */
export interface ResourceKind {
  /** ResourceType as the product answers it. */
  readonly type: string;
  get(id: string): { tags: Tags } | undefined;
  /** Every resource of the type, in id order. */
  all(): Iterable<[string, { tags: Tags }]>;
}

const MAX_RESOURCE_IDS = 50;

/** ResourceType is matched case-insensitively (Terraform sends `TrafficMirrorSession` for `TRAFFICMIRRORSESSION`). */
export function resourceKind(p: Params, kinds: Readonly<Record<string, ResourceKind>>): ResourceKind {
  const raw = p.required('ResourceType');
  const kind = kinds[raw.toUpperCase()];
  if (!kind) throw new ApiError('InvalidResourceType.NotSupported', `The specified ResourceType "${raw}" is not supported.`);
  return kind;
}

function resources(p: Params, kind: ResourceKind): Array<[string, { tags: Tags }]> {
  const ids = p.list('ResourceId', MAX_RESOURCE_IDS);
  if (ids.length === 0) throw missingParameter('ResourceId.N');
  return ids.map((id) => {
    const res = kind.get(id);
    if (!res) throw new ApiError('InvalidResourceId.NotFound', `The specified resource "${id}" of type ${kind.type} does not exist.`, 404);
    return [id, res];
  });
}

/** TagResources: adds or overwrites tags; a resource holds at most 20. Returns the tagged ids. */
export function tagResources(p: Params, kind: ResourceKind): string[] {
  const tags = checkTags(p.objects('Tag'));
  if (tags.length === 0) throw missingParameter('Tag.N.Key');
  const targets = resources(p, kind);
  for (const [id, res] of targets) {
    const merged = new Set([...res.tags.keys(), ...tags.map(([k]) => k)]);
    if (merged.size > 20) throw new ApiError('QuotaExceeded.TagsPerResource', `The resource "${id}" would have more than 20 tags.`);
  }
  for (const [, res] of targets) for (const [k, v] of tags) res.tags.set(k, v);
  return targets.map(([id]) => id);
}

/** UntagResources / UnTagResources: removes the named keys, or every tag with `All=true` and no keys. */
export function untagResources(p: Params, kind: ResourceKind): string[] {
  const keys = p.list('TagKey', 20);
  const all = p.bool('All') ?? false;
  const targets = resources(p, kind);
  for (const [, res] of targets) {
    if (keys.length > 0) for (const k of keys) res.tags.delete(k);
    else if (all) res.tags.clear();
  }
  return targets.map(([id]) => id);
}

/** ECS's fuzzy TagFilter.N: exact key, values `v`, `v*` (prefix) or `*v*` (contains); no values means the key exists. */
function tagFilterMatch(p: Params): ((tags: Tags) => boolean) | undefined {
  const filters = p.objects('TagFilter', 5).map((g) => ({
    key: g.TagKey,
    values: Object.entries(g)
      .filter(([k]) => /^TagValues\.\d+$/.test(k))
      .map(([, v]) => v),
  }));
  if (filters.length === 0) return undefined;
  if (p.objects('Tag').length > 0) throw invalidParameter('TagFilter.N', 'TagFilter.N cannot be combined with Tag.N');
  const like = (value: string, pattern: string) =>
    pattern.startsWith('*') && pattern.endsWith('*') && pattern.length > 1 ? value.includes(pattern.slice(1, -1)) : pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
  return (tags) =>
    filters.every((f) => {
      const v = tags.get(f.key);
      return v !== undefined && (f.values.length === 0 || f.values.some((pat) => like(v, pat)));
    });
}

/**
 * ListTagResources: one row per (resource, tag) of the selected resources (ResourceId.N and/or Tag.N; ECS also
 * TagFilter.N), paged by NextToken in (resource id, tag key) order.
 */
export function listTagResources(p: Params, kind: ResourceKind, maxResults: number, allowTagFilter: boolean) {
  const ids = p.list('ResourceId', MAX_RESOURCE_IDS);
  const tagFilter = p.objects('Tag', 20);
  if (tagFilter.some((t) => !t.Key)) throw missingParameter('Tag.N.Key');
  const fuzzy = allowTagFilter ? tagFilterMatch(p) : undefined;
  if (ids.length === 0 && tagFilter.length === 0 && !fuzzy) throw missingParameter(allowTagFilter ? 'ResourceId.N, Tag.N or TagFilter.N' : 'ResourceId.N or Tag.N');
  const selected: Iterable<[string, { tags: Tags }]> =
    ids.length > 0
      ? [...new Set(ids)].sort().flatMap((id): Array<[string, { tags: Tags }]> => {
          const res = kind.get(id);
          return res ? [[id, res]] : [];
        })
      : kind.all();
  function* rows() {
    for (const [id, res] of selected) {
      if (!matchesTags(res.tags, tagFilter) || (fuzzy && !fuzzy(res.tags))) continue;
      for (const key of [...res.tags.keys()].sort()) yield { ResourceId: id, ResourceType: kind.type, TagKey: key, TagValue: res.tags.get(key) ?? '' };
    }
  }
  const pg = pageByToken(rows(), (row) => `${row.ResourceId}\u0000${row.TagKey}`, undefined, p.str('NextToken'), maxResults);
  return { NextToken: pg.nextToken, TagResources: { TagResource: pg.items } };
}
