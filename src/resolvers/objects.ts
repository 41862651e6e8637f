/**
 * The read-side view of each object, derived from the one object model (src/model/): filter
 * fields, order enums, known fields. Kept as an import site for resolvers.
 */
export {
  companySpec,
  noteSpec,
  noteTargetSpec,
  opportunitySpec,
  personSpec,
  specOfObject,
  taskSpec,
  taskTargetSpec,
  workspaceMemberSpec,
  type ObjectSpec,
} from '../model/index.js';
