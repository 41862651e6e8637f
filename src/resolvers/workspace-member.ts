import type { WorkspaceMemberResolvers } from '../generated/graphql.js';
import { WORKSPACE_MEMBER } from '../model/index.js';
import { recordResolvers } from './record.js';

export const WorkspaceMember = recordResolvers(WORKSPACE_MEMBER) as WorkspaceMemberResolvers;
