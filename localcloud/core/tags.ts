import type { Tags } from '../state.js';
import { ApiError } from './api-error.js';

/** The documented rules of every tagging call: ≤ 20 tags, key 1–128 without aliyun/acs: prefix or URLs, value ≤ 128. */
export function checkTags(tags: Array<Record<string, string>>, param = 'Tag'): Array<[string, string]> {
  if (tags.length > 20) throw new ApiError('InvalidParameter', `The number of ${param}.N exceeds the limit of 20.`);
  const seen = new Set<string>();
  return tags.map((t) => {
    const key = t.Key ?? '';
    const value = t.Value ?? '';
    if (!key) throw new ApiError('MissingParameter', `The input parameter "${param}.N.Key" that is mandatory for processing this request is not supplied.`);
    if (key.length > 128 || /^(aliyun|acs:)/i.test(key) || /https?:\/\//i.test(key)) {
      throw new ApiError('InvalidTagKey.Malformed', `The specified tag key "${key}" is not valid.`);
    }
    if (value.length > 128 || /https?:\/\//i.test(value)) throw new ApiError('InvalidTagValue.Malformed', `The specified tag value for "${key}" is not valid.`);
    if (seen.has(key)) throw new ApiError('InvalidParameter.TagKeyDuplicate', `The tag key "${key}" is duplicated.`);
    seen.add(key);
    return [key, value];
  });
}

/** Tag.N filter semantics: every given key must be present, with the value when one is given. */
export function matchesTags(tags: Tags, filter: Array<Record<string, string>>): boolean {
  return filter.every((f) => tags.has(f.Key) && (f.Value === undefined || tags.get(f.Key) === f.Value));
}

/** ECS's wrapped tag shape: `Tags.Tag[]{TagKey, TagValue}`. */
export const ecsTags = (tags: Tags) => ({ Tag: [...tags].map(([TagKey, TagValue]) => ({ TagKey, TagValue })) });

/** VPC traffic-mirror's flat tag shape: `Tags[]{Key, Value}`. */
export const vpcTags = (tags: Tags) => [...tags].map(([Key, Value]) => ({ Key, Value }));
