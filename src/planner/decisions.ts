/**
 * The planner's decisions by name, each with a test that fails without it (test/planner/);
 * `QUERY_PLANNER=no-<name>,…` switches some off (README "Configuration").
 * - `count`: a connection asked only for `totalCount` reads one record, not its pages.
 * - `group-count`: the same under a list of parents: one grouped count for all of them (§7).
 * - `depth`: to-one relations, short one-to-many arrays and notes/tasks in their targets come
 *   with the parent's own call at depth=1 (§6).
 * - `prefetch`: a single record's relations start from the argument id, in parallel with it.
 * - `merge`: batches of one loader under sibling root fields and aliases wait for each other.
 * - `parallel-pages`: a root list past its first page reads the rest in parallel, from the first
 *   page's totalCount, instead of one cursor after another.
 * - `fields`: reads ask only the fields the operation uses (`fields=`, §13), where the server honours it.
 */
export const DECISIONS = ['count', 'group-count', 'depth', 'prefetch', 'merge', 'parallel-pages', 'fields'] as const;
export type Decision = (typeof DECISIONS)[number];
