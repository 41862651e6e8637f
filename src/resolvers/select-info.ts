import type { RequestContext } from '../context.js';
import { getSelectOptions } from '../workspace/metadata.js';

/** A SELECT value's label, color and position in this workspace (§10: options differ per workspace). */
export async function selectInfo(ctx: RequestContext, objectSingular: string, field: string, value: unknown) {
  if (typeof value !== 'string') return null;
  const option = (await getSelectOptions(ctx, objectSingular, field)).find((o) => o.value === value);
  return option ? { value: option.value, label: option.label, color: option.color, position: option.position } : null;
}
