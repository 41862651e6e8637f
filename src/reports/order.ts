/**
 * The one order of report values (group keys, stages, statuses, assignees, currency codes): text
 * in code-point order, "no value" (null, or the `''` a missing stage is listed under) last.
 */
export function compareValues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null || a === '') return 1;
  if (b === null || b === '') return -1;
  return a < b ? -1 : 1;
}

/** Keys element by element, by `compareValues`. */
export function compareKeys(a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null>): number {
  for (let i = 0; i < a.length; i++) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return order;
  }
  return 0;
}
