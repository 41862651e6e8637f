import type { TaskResolvers, TaskTargetResolvers } from '../generated/graphql.js';
import { TASK, TASK_TARGET } from '../model/index.js';
import { recordResolvers } from './record.js';
import { selectInfo } from './select-info.js';
import { targetIdResolvers } from './targets.js';

export const Task: TaskResolvers = {
  ...(recordResolvers(TASK) as TaskResolvers),
  statusInfo: (task, _args, ctx) => selectInfo(ctx, TASK.singular, 'status', task.status),
};

export const TaskTarget: TaskTargetResolvers = {
  ...(recordResolvers(TASK_TARGET) as TaskTargetResolvers),
  ...targetIdResolvers(TASK_TARGET, 'taskId'),
};
