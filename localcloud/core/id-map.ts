/**
 * A Map of resources by id that also answers its values in id order, cached until the next insert or delete.
 * List and Describe calls page in id order; re-sorting 20,000 ENIs on every page would dominate a scan.
 */
export class IdMap<T> extends Map<string, T> {
  private ordered: T[] | undefined;

  override set(key: string, value: T): this {
    this.ordered = undefined;
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.ordered = undefined;
    return super.delete(key);
  }

  override clear(): void {
    this.ordered = undefined;
    super.clear();
  }

  sorted(): readonly T[] {
    this.ordered ??= [...this.keys()].sort(compareIds).map((k) => this.get(k) as T);
    return this.ordered;
  }
}

export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
