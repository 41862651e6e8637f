/**
 * Query shapes the planner tests run, one per kind of read: root lists, lookups, every
 * relation kind under one parent and under a list, counts, aliases, notes through targets.
 */
export const SHAPES: Record<string, string> = {
  'a root list': '{ companies(first: 20) { edges { node { id name } } } }',
  'a long root list': '{ people(first: 300) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }',
  'a count': '{ companies { totalCount } }',
  'counts of a root list and a filtered one': '{ a: people { totalCount } b: people(filter: { jobTitle: { isNull: false } }) { totalCount } }',
  'a lookup': 'query ($company: ID!) { company(id: $company) { id name } }',
  'two lookups': 'query ($company: ID!, $other: ID!) { a: company(id: $company) { id } b: company(id: $other) { id } }',
  'a to-one under a list': '{ people(first: 50) { edges { node { id company { id name } } } } }',
  'to-ones under a list': '{ opportunities(first: 50) { edges { node { id company { name } pointOfContact { id } owner { id } } } } }',
  'a one-to-many under a list': '{ companies(first: 30) { edges { node { id people { totalCount edges { node { id } } } } } } }',
  'a filtered one-to-many under a list': '{ companies(first: 30) { edges { node { id people(filter: { jobTitle: { isNull: false } }) { edges { node { id } } } } } } }',
  'counts under a list': '{ companies(first: 30) { edges { node { id people { totalCount } opportunities { totalCount } } } } }',
  'a one-to-many under one parent': 'query ($company: ID!) { company(id: $company) { id people(first: 3) { totalCount edges { node { id } } } } }',
  'a count under one parent': 'query ($company: ID!) { company(id: $company) { people { totalCount } } }',
  'notes under a list': '{ companies(first: 30) { edges { node { id notes { edges { node { id title } } } } } } }',
  'notes and their targets': '{ companies(first: 10) { edges { node { notes { edges { node { id targets { company { id } person { id } } } } } } } } }',
  'a company page': `query ($company: ID!) { company(id: $company) { id name accountOwner { id }
      people { edges { node { id name { firstName } } } }
      opportunities { edges { node { id pointOfContact { id } } } }
      notes { edges { node { id title } } } tasks { edges { node { id title } } } } }`,
  'a person and their company': 'query ($person: ID!) { person(id: $person) { id company { id people(first: 2) { edges { node { id } } } } } }',
  'tasks with assignees': '{ tasks(first: 40) { edges { node { id assignee { id } } } } }',
  'a member\'s opportunities': '{ workspaceMembers(first: 5) { edges { node { id ownedOpportunities { totalCount edges { node { id company { id } } } } } } } }',
  'three levels': '{ companies(first: 10) { edges { node { people { edges { node { opportunities { edges { node { id } } } } } } } } } }',
  'aliases sharing a filtered relation': `{ ${['ID', 'NAME'].map((field) => `${field.toLowerCase()}: companies(first: 5, orderBy: [{ field: ${field} }]) { edges { node { id people(filter: { jobTitle: { isNull: false } }) { edges { node { id } } } } } }`).join(' ')} }`,
  'a board of aliases': `{ ${['NEW', 'SCREENING', 'MEETING'].map((stage) => `${stage.toLowerCase()}: opportunities(first: 10, filter: { stage: { eq: "${stage}" } }) { totalCount edges { node { id company { id } pointOfContact { id } } } }`).join(' ')} }`,
};
