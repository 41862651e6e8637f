/**
 * Round trips from the calls an operation made: the longest chain of calls each starting after
 * the previous one ended. Calls that overlap ran in parallel; a call that starts after another
 * ended may have waited for it, so this is the number of sequential steps the operation took
 * (with network latency, independent calls overlap and are never chained by accident).
 */
export function roundTrips(spans: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const depth: number[] = [];
  let longest = 0;
  for (let i = 0; i < sorted.length; i++) {
    let before = 0;
    for (let j = 0; j < i; j++) if (sorted[j][1] <= sorted[i][0] && depth[j] > before) before = depth[j];
    depth.push(before + 1);
    longest = Math.max(longest, before + 1);
  }
  return longest;
}
