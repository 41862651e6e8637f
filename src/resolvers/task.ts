import type { TaskResolvers, TaskTargetResolvers } from '../generated/graphql.js';
import { taskSpec } from './objects.js';
import { customFields, toOne } from './relations.js';
import { selectInfo } from './select-info.js';
import { targetResolvers } from './targets.js';

export const Task: TaskResolvers = {
  customFields: (task) => customFields(task, taskSpec),
  statusInfo: (task, _args, ctx) => selectInfo(ctx, 'task', 'status', task.status),
  assignee: (task, _args, ctx) => toOne(ctx, 'workspaceMembers', task.assigneeId),
  targets: (task, _args, ctx) => ctx.loaders.byForeignKey('taskTargets', 'taskId').load(task.id),
};

export const TaskTarget: TaskTargetResolvers = targetResolvers('taskId');
