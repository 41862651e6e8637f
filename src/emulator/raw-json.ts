/** Pre-serialised JSON spliced into a response as is (the stored `__doc` of records). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON.stringify that writes RawJson values verbatim (Node 20 has no JSON.rawJSON). */
export function stringifyWithRaw(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? `\u0000${raws.push(v.text) - 1}\u0000` : v));
  if (raws.length === 0) return text;
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]);
}
