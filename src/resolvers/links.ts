import type { TargetLink } from './relations.js';
import { noteSpec, taskSpec } from './objects.js';

/** How notes and tasks hang off other records (§10). */
export const NOTE_LINK: TargetLink = { targets: 'noteTargets', ownerField: 'noteId', spec: noteSpec };
export const TASK_LINK: TargetLink = { targets: 'taskTargets', ownerField: 'taskId', spec: taskSpec };
