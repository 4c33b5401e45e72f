/** A condition that applies only when its request parameter was sent; absent ones are `false`/`undefined`/''. */
export type Check<T> = ((t: T) => boolean) | false | undefined | null | '' | 0;

/**
 * Combines the conditions a request actually sent into one predicate, or `undefined` when it sent none, so an
 * unfiltered page can be cut straight out of the id-ordered list instead of testing every resource.
 */
export function where<T>(...checks: Array<Check<T>>): ((t: T) => boolean) | undefined {
  const active = checks.filter((c): c is (t: T) => boolean => typeof c === 'function');
  if (active.length === 0) return undefined;
  return (t) => active.every((c) => c(t));
}
