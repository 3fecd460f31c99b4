/** Records go in and come out as deep copies, so a caller can never mutate what the store holds. */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/** Newest first, ties broken by id (descending), the same order the SQL stores use. */
export function newestFirst<T extends { createdAt: Date }>(key: (item: T) => string) {
  return (a: T, b: T): number => b.createdAt.getTime() - a.createdAt.getTime() || compare(key(b), key(a));
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
