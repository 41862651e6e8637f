import type { PersonResolvers } from '../generated/graphql.js';
import { PERSON } from '../model/index.js';
import { recordResolvers } from './record.js';

export const Person = recordResolvers(PERSON) as PersonResolvers;
