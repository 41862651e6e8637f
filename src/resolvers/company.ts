import type { CompanyResolvers } from '../generated/graphql.js';
import { COMPANY } from '../model/index.js';
import { recordResolvers } from './record.js';

export const Company = recordResolvers(COMPANY) as CompanyResolvers;
