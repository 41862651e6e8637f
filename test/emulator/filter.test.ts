// Conformance: twenty-rest.md §4 (the filter grammar, its comparators and its quirks).
// Expected answers are computed in plain code from every record (fetched with paging), so the
// tests do not depend on what the seeded demo happens to contain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMany,
  createOne,
  expectBadRequest,
  fetchAll,
  ids,
  list,
  qs,
  rest,
  startTestEmulator,
  type Emulator,
  type Rec,
} from './helpers.js';

/** Fixture names start with this, which no demo name does. */
const P = 'Zqx';

let em: Emulator;
let companies: Rec[];
let people: Rec[];
let opportunities: Rec[];
let ghost: Rec;
let plainName: string;

beforeAll(async () => {
  em = await startTestEmulator({ companies: 30 });
  await createMany(em, 'companies', [
    { name: `${P} Comma, Inc`, employees: 5 },
    { name: `${P} O'Brien`, employees: 7 },
    { name: `${P} Say "hi"`, employees: 8 },
    { name: `"${P} Quoted"`, employees: 11 },
    { name: `${P} Back\\Slash`, employees: 12 },
    { name: `${P} x)(y`, employees: 13 },
    { name: `${P} xy`, employees: 14 },
    { name: `${P} (a)`, employees: 15 },
    { name: `${P} Num9`, employees: 9 },
    { name: `${P} Num10`, employees: 10 },
    { name: `${P} Num100`, employees: 100 },
    { name: `${P} NullEmp`, employees: null },
  ]);
  // LIKE fixtures: `_` against an astral code point, and literal % and _.
  await createMany(em, 'companies', [
    { name: `${P} L\u{1F600}x`, employees: 1 },
    { name: `${P} L100%`, employees: 1 },
    { name: `${P} L100_`, employees: 1 },
    { name: `${P} L1000`, employees: 1 },
  ]);
  ghost = await createOne(em, 'companies', { name: `${P} Ghost`, employees: 3 });
  const del = await rest(em, `/rest/companies/${ghost.id}?soft_delete=true`, { method: 'DELETE' });
  expect(del.status).toBe(200);
  companies = await fetchAll(em, 'companies');
  people = await fetchAll(em, 'people');
  opportunities = await fetchAll(em, 'opportunities');
  // A demo company whose name needs no quoting care and which has people (for the hop test).
  const withPeople = new Set(people.map((p) => p.companyId));
  plainName = companies.find((c) => /^[A-Za-z0-9 ]+$/.test(c.name) && !c.name.startsWith(P) && withPeople.has(c.id))!.name;
});
afterAll(() => em?.close());

const named = (name: string) => companies.filter((c) => c.name === name);

/** The filter returns exactly `expected` (as a set of ids), paging through all matches. */
async function expectMatches(plural: string, filter: string, expected: Rec[]): Promise<void> {
  const got = await fetchAll(em, plural, { filter });
  expect(ids(got), filter).toEqual(ids(expected));
}

/** Guards against vacuous tests: the expected set must be neither empty nor everything. */
function meaningful(expected: Rec[], all: Rec[]): Rec[] {
  expect(expected.length).toBeGreaterThan(0);
  expect(expected.length).toBeLessThan(all.length);
  return expected;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('§4 comparators', () => {
  it('eq matches equal values', async () => {
    await expectMatches('companies', `name[eq]:"${plainName}"`, meaningful(named(plainName), companies));
  });

  it('neq matches different values', async () => {
    await expectMatches('companies', `name[neq]:"${plainName}"`, companies.filter((c) => c.name !== plainName));
  });

  it('in matches any listed value', async () => {
    const some = [companies[1], companies[4], companies[7]];
    await expectMatches('companies', `id[in]:[${some.map((c) => c.id).join(',')}]`, some);
  });

  it('containsAny matches arrays sharing any listed item', async () => {
    const [a, b] = await createMany(em, 'people', [
      { name: { firstName: 'Arr', lastName: 'One' }, emails: { primaryEmail: 'one@arr.test', additionalEmails: ['x1@arr.test', 'x2@arr.test'] } },
      { name: { firstName: 'Arr', lastName: 'Two' }, emails: { primaryEmail: 'two@arr.test', additionalEmails: ['x3@arr.test'] } },
    ]);
    await expectMatches('people', 'emails.additionalEmails[containsAny]:[x2@arr.test,x3@arr.test]', [a, b]);
    await expectMatches('people', 'emails.additionalEmails[containsAny]:[x1@arr.test]', [a]);
    await expectMatches('people', 'emails.additionalEmails[containsAny]:[nobody@arr.test]', []);
  });

  it('is NULL matches missing values', async () => {
    await expectMatches('companies', 'employees[is]:NULL', meaningful(companies.filter((c) => c.employees === null), companies));
  });

  it('is NOT_NULL matches present values', async () => {
    await expectMatches('companies', 'employees[is]:NOT_NULL', companies.filter((c) => c.employees !== null));
  });

  it('gt, gte, lt, lte compare numbers', async () => {
    const m = median(companies.filter((c) => c.employees !== null).map((c) => c.employees));
    const withEmp = companies.filter((c) => c.employees !== null);
    await expectMatches('companies', `employees[gt]:${m}`, meaningful(withEmp.filter((c) => c.employees > m), companies));
    await expectMatches('companies', `employees[gte]:${m}`, withEmp.filter((c) => c.employees >= m));
    await expectMatches('companies', `employees[lt]:${m}`, meaningful(withEmp.filter((c) => c.employees < m), companies));
    await expectMatches('companies', `employees[lte]:${m}`, withEmp.filter((c) => c.employees <= m));
  });

  it('compares numbers as numbers, not as strings (10 > 9)', async () => {
    await expectMatches('companies', `name[startsWith]:"${P} Num",employees[gt]:9`, [...named(`${P} Num10`), ...named(`${P} Num100`)]);
  });

  it('gt and lt compare dates', async () => {
    const dated = opportunities.filter((o) => o.closeDate);
    const pivot = dated.map((o) => o.closeDate as string).sort()[Math.floor(dated.length / 2)];
    const t = Date.parse(pivot);
    await expectMatches('opportunities', `closeDate[lt]:${pivot}`, meaningful(dated.filter((o) => Date.parse(o.closeDate) < t), opportunities));
    await expectMatches('opportunities', `closeDate[gte]:${pivot}`, dated.filter((o) => Date.parse(o.closeDate) >= t));
  });

  it('eq on a SELECT field and on a BOOLEAN field', async () => {
    await expectMatches('opportunities', 'stage[eq]:MEETING', meaningful(opportunities.filter((o) => o.stage === 'MEETING'), opportunities));
    await expectMatches('opportunities', 'stage[in]:[NEW,CUSTOMER]', opportunities.filter((o) => o.stage === 'NEW' || o.stage === 'CUSTOMER'));
    await expectMatches('companies', 'idealCustomerProfile[eq]:true', companies.filter((c) => c.idealCustomerProfile === true));
  });

  it('startsWith matches a prefix', async () => {
    await expectMatches('companies', `name[startsWith]:"${P} Num"`, meaningful(companies.filter((c) => c.name.startsWith(`${P} Num`)), companies));
  });

  it('endsWith matches a suffix', async () => {
    await expectMatches('companies', 'name[endsWith]:"Brien"', meaningful(companies.filter((c) => c.name.endsWith('Brien')), companies));
  });

  it('like uses % as a wildcard', async () => {
    await expectMatches('companies', 'name[like]:"%Num1%"', meaningful(companies.filter((c) => c.name.includes('Num1')), companies));
  });

  it('like is case-sensitive', async () => {
    await expectMatches('companies', 'name[like]:"%NUM1%"', companies.filter((c) => c.name.includes('NUM1')));
  });

  it('ilike is case-insensitive', async () => {
    await expectMatches('companies', 'name[ilike]:"%num1%"', meaningful(companies.filter((c) => c.name.toLowerCase().includes('num1')), companies));
  });

  it('like with many % wildcards answers promptly (no exponential backtracking)', async () => {
    // A long markdown body that ends in Q and one that does not: a backtracking regex with one
    // [\s\S]* per % takes exponential time on the latter and stalls the whole server.
    const long = 'a'.repeat(60);
    const [hit] = await createMany(em, 'notes', [
      { title: `${P} redos hit`, bodyV2: { markdown: `${long}Q`, blocknote: null } },
      { title: `${P} redos miss`, bodyV2: { markdown: `${long}R`, blocknote: null } },
    ]);
    const pattern = '%_%_%_%_%_%_%_%_%_%_%_%_%Q';
    const res = await rest(em, `/rest/notes${qs({ filter: `bodyV2.markdown[like]:${pattern}`, limit: 200 })}`, {
      signal: AbortSignal.timeout(5000),
    });
    expect(res.status, res.text).toBe(200);
    const got: Rec[] = res.body.data.notes;
    expect(got.map((n) => n.id)).toContain(hit.id);
    for (const n of got) {
      expect(n.bodyV2.markdown.endsWith('Q')).toBe(true);
      expect([...n.bodyV2.markdown].length).toBeGreaterThanOrEqual(13);
    }
  });

  it('like: _ is exactly one character (one code point), \\ escapes % and _', async () => {
    const byName = named;
    await expectMatches('companies', `name[like]:${P} L_x`, byName(`${P} L\u{1F600}x`));
    await expectMatches('companies', `name[like]:${P} L100\\%`, byName(`${P} L100%`));
    await expectMatches('companies', `name[like]:${P} L100\\_`, byName(`${P} L100_`));
    await expectMatches('companies', `name[like]:${P} L100_`, [...byName(`${P} L100%`), ...byName(`${P} L100_`), ...byName(`${P} L1000`)]);
    await expectMatches('companies', `name[ilike]:${P.toUpperCase()} l%%0`, [...byName(`${P} L1000`)]);
  });
});

describe('§4 combining conditions', () => {
  it('a top-level comma means AND', async () => {
    await expectMatches('companies', `name[startsWith]:"${P} Num",employees[gte]:10`, [...named(`${P} Num10`), ...named(`${P} Num100`)]);
  });

  it('or(…) matches either condition', async () => {
    await expectMatches('companies', `or(name[eq]:"${P} Num9",name[eq]:"${P} Num100")`, [...named(`${P} Num9`), ...named(`${P} Num100`)]);
  });

  it('and(…) and or(…) nest', async () => {
    await expectMatches('companies', `or(name[eq]:"${P} Num9",and(name[startsWith]:"${P} Num",employees[gt]:50))`, [
      ...named(`${P} Num9`),
      ...named(`${P} Num100`),
    ]);
  });

  it('not(…) negates its one condition', async () => {
    await expectMatches('companies', `not(name[startsWith]:"${P}")`, meaningful(companies.filter((c) => !c.name.startsWith(P)), companies));
  });

  it('not(…) wraps a nested and(…)', async () => {
    await expectMatches(
      'companies',
      `not(and(name[startsWith]:"${P} Num",employees[lt]:50))`,
      companies.filter((c) => !(c.name.startsWith(`${P} Num`) && c.employees < 50)),
    );
  });

  it('not(…) with two conditions is a 400', async () => {
    expectBadRequest(await rest(em, `/rest/companies${qs({ filter: 'not(employees[gt]:1,employees[lt]:5)' })}`));
  });
});

describe('§4 composite sub-fields and relations', () => {
  it('filters on name.firstName', async () => {
    const first = people.find((p) => /^[A-Za-z]+$/.test(p.name.firstName))!.name.firstName;
    await expectMatches('people', `name.firstName[eq]:${first}`, meaningful(people.filter((p) => p.name.firstName === first), people));
  });

  it('filters on emails.primaryEmail', async () => {
    const email = people[3].emails.primaryEmail;
    await expectMatches('people', `emails.primaryEmail[eq]:"${email}"`, people.filter((p) => p.emails.primaryEmail === email));
  });

  it('filters on amount.amountMicros numerically', async () => {
    const withAmount = opportunities.filter((o) => o.amount?.amountMicros !== null && o.amount?.amountMicros !== undefined);
    const m = median(withAmount.map((o) => Number(o.amount.amountMicros)));
    await expectMatches('opportunities', `amount.amountMicros[gte]:${m}`, meaningful(withAmount.filter((o) => Number(o.amount.amountMicros) >= m), opportunities));
  });

  it('filters on domainName.primaryLinkUrl', async () => {
    const url = companies.find((c) => c.domainName?.primaryLinkUrl)!.domainName.primaryLinkUrl;
    await expectMatches('companies', `domainName.primaryLinkUrl[eq]:"${url}"`, companies.filter((c) => c.domainName?.primaryLinkUrl === url));
  });

  it('filters a relation by its foreign key', async () => {
    const cids = [...new Set(people.map((p) => p.companyId).filter(Boolean))].slice(0, 3);
    await expectMatches('people', `companyId[in]:[${cids.join(',')}]`, meaningful(people.filter((p) => cids.includes(p.companyId)), people));
  });

  it('filters a foreign key with is NULL', async () => {
    await expectMatches('opportunities', 'pointOfContactId[is]:NULL', opportunities.filter((o) => o.pointOfContactId === null));
  });

  it('filters through one many-to-one hop (company.name)', async () => {
    const cids = new Set(named(plainName).map((c) => c.id));
    await expectMatches('people', `company.name[eq]:"${plainName}"`, meaningful(people.filter((p) => cids.has(p.companyId)), people));
  });
});

describe('§4 quoting', () => {
  it('double quotes, single quotes and no quotes mean the same value', async () => {
    const expected = named(`${P} Num9`);
    await expectMatches('companies', `name[eq]:"${P} Num9"`, expected);
    await expectMatches('companies', `name[eq]:'${P} Num9'`, expected);
    await expectMatches('companies', `name[eq]:${P} Num9`, expected);
  });

  it('a double-quoted value may hold a single quote', async () => {
    await expectMatches('companies', `name[eq]:"${P} O'Brien"`, named(`${P} O'Brien`));
  });

  it('a single-quoted value may hold double quotes', async () => {
    await expectMatches('companies', `name[eq]:'${P} Say "hi"'`, named(`${P} Say "hi"`));
  });

  it('removes only one outer pair of quotes', async () => {
    await expectMatches('companies', `name[eq]:""${P} Quoted""`, meaningful(named(`"${P} Quoted"`), companies));
  });

  it('has no escape syntax: a backslash is a plain character', async () => {
    await expectMatches('companies', `name[eq]:"${P} Back\\Slash"`, meaningful(named(`${P} Back\\Slash`), companies));
  });

  it('a balanced "(…)" inside a quoted value is kept', async () => {
    await expectMatches('companies', `name[eq]:"${P} (a)"`, meaningful(named(`${P} (a)`), companies));
  });
});

describe('§4 quoting of SELECT, NUMBER and BOOLEAN values (typed before unquoting)', () => {
  async function stageOptions(): Promise<string[]> {
    const res = await rest(em, '/rest/metadata/objects');
    const opp = res.body.data.objects.find((o: Rec) => o.namePlural === 'opportunities');
    return opp.fields.find((f: Rec) => f.name === 'stage').options.map((o: Rec) => o.value);
  }
  const enumMessage = (value: string, options: string[]) =>
    `'filter' enum value '${value}' not available in 'stage' enum. Available enum values are ['${options.join("', '")}']`;

  it('a quoted SELECT value is not an option: 400 naming the value with its quotes', async () => {
    const options = await stageOptions();
    const res = await rest(em, `/rest/opportunities${qs({ filter: 'stage[eq]:"NEW"' })}`);
    expectBadRequest(res, enumMessage('"NEW"', options));
  });

  it('quoted items in a SELECT in-list are refused too', async () => {
    const options = await stageOptions();
    const res = await rest(em, `/rest/opportunities${qs({ filter: 'stage[in]:["NEW","MEETING"]' })}`);
    expectBadRequest(res, enumMessage('"NEW"', options));
  });

  it('bare SELECT values still work', async () => {
    await expectMatches('opportunities', 'stage[in]:[NEW,MEETING]', opportunities.filter((o) => o.stage === 'NEW' || o.stage === 'MEETING'));
  });

  it('a quoted BOOLEAN "true" means false', async () => {
    const falses = meaningful(companies.filter((c) => c.idealCustomerProfile === false), companies);
    await expectMatches('companies', 'idealCustomerProfile[eq]:"true"', falses);
    await expectMatches('companies', "idealCustomerProfile[eq]:'true'", falses);
  });

  it('a quoted NUMBER is NaN and matches nothing, negated or not', async () => {
    await expectMatches('companies', 'employees[gt]:"1000"', []);
    await expectMatches('companies', 'employees[lt]:"1000"', []);
    await expectMatches('companies', 'not(employees[gt]:"1000")', []);
    await expectMatches('companies', 'employees[neq]:"7"', []);
    // In a list each item is typed on its own: "5" is NaN, 7 is 7.
    await expectMatches('companies', 'employees[in]:["5",7]', meaningful(companies.filter((c) => c.employees === 7), companies));
  });

  it('quotes are still removed for numbers inside composite sub-fields', async () => {
    const amounts = opportunities.filter((o) => o.amount?.amountMicros != null).map((o) => Number(o.amount.amountMicros));
    const mid = median(amounts);
    const expected = opportunities.filter((o) => o.amount?.amountMicros != null && Number(o.amount.amountMicros) > mid);
    await expectMatches('opportunities', `amount.amountMicros[gt]:"${mid}"`, meaningful(expected, opportunities));
  });
});

describe('§4 parser quirks', () => {
  it('quirk 1: no filter parameter applies no filter', async () => {
    const res = await list(em, 'companies', { limit: 1 });
    expect(res.totalCount).toBe(companies.length);
  });

  it('quirk 1: a filter given twice is ignored entirely, without error', async () => {
    const res = await rest(em, `/rest/companies${qs({ filter: [`name[eq]:"${P} Num9"`, `name[eq]:"${P} Num10"`], limit: 1 })}`);
    expect(res.status).toBe(200);
    expect(res.body.totalCount).toBe(companies.length);
  });

  it("quirk 2: parentheses inside quotes are counted: 400 \"'filter' invalid. 1 close bracket is missing in the query\"", async () => {
    const res = await rest(em, `/rest/companies${qs({ filter: `name[eq]:"${P} (x"` })}`);
    expectBadRequest(res, "'filter' invalid. 1 close bracket is missing in the query");
  });

  it("quirk 2: an unmatched \")\" inside quotes is a 400 \"'filter' invalid. 1 open bracket is missing in the query\"", async () => {
    const res = await rest(em, `/rest/companies${qs({ filter: `name[eq]:"${P} x)"` })}`);
    expectBadRequest(res, "'filter' invalid. 1 open bracket is missing in the query");
  });

  it('quirk 3: a filter not shaped like conj(…) is wrapped in and(…)', async () => {
    // or(…),leaf does not match ^(or|and|not)\((.+)\)$, so it becomes and(or(…),leaf).
    await expectMatches('companies', `or(name[eq]:"${P} Num9",name[eq]:"${P} Num10"),employees[gt]:9`, named(`${P} Num10`));
  });

  it('quirk 3: "or(a),or(b)" matches the conj(…) pattern and is not wrapped, so it finds nothing', async () => {
    // Read as one or(…) whose only child is the mangled leaf `name[startsWith]:"Zqx Num"employees[gt]:9`.
    const res = await rest(em, `/rest/companies${qs({ filter: `or(name[startsWith]:"${P} Num"),or(employees[gt]:9)` })}`);
    expect(res.status).toBe(200);
    expect(res.body.data.companies).toEqual([]);
  });

  it('quirk 4: a comma inside quotes does not split conditions', async () => {
    await expectMatches('companies', `name[eq]:"${P} Comma, Inc"`, meaningful(named(`${P} Comma, Inc`), companies));
    await expectMatches('companies', `name[eq]:"${P} Comma, Inc",employees[gte]:5`, named(`${P} Comma, Inc`));
    await expectMatches('companies', `name[eq]:"${P} Comma, Inc",employees[gt]:5`, []);
  });

  it('quirk 4: each quote kind toggles on its own, so a lone \' inside "…" swallows the conditions after it', async () => {
    // Twenty's splitter flips a single-quote flag on the apostrophe even inside double quotes,
    // so the comma after "Zqx O'Brien" is "inside quotes" and the rest becomes part of the value.
    await expectMatches('companies', `employees[gte]:0,name[eq]:"${P} O'Brien"`, meaningful(named(`${P} O'Brien`), companies));
    await expectMatches('companies', `name[eq]:"${P} O'Brien",employees[gte]:0`, []);
  });

  it('quirk 4: a comma inside [...] does not split conditions', async () => {
    const a = named(`${P} Num9`)[0];
    const b = named(`${P} Num10`)[0];
    await expectMatches('companies', `id[in]:[${a.id},${b.id}],employees[gt]:9`, [b]);
  });

  it('quirk 4: a balanced ")(" inside a quoted value silently changes its meaning', async () => {
    // The ")(" drops the depth to 0 and back, and characters at depth 0 are discarded:
    // the value read is "Zqx xy", which is another company.
    await expectMatches('companies', `name[eq]:"${P} x)(y"`, meaningful(named(`${P} xy`), companies));
  });

  it("quirk 5: a leaf without [comparator] is a 400 \"'filter' invalid for '<leaf>'. eg: price[gte]:10\"", async () => {
    expectBadRequest(await rest(em, `/rest/companies${qs({ filter: 'name:Acme' })}`), "'filter' invalid for 'name:Acme'. eg: price[gte]:10");
  });

  it('quirk 5: an unknown comparator is a 400', async () => {
    expectBadRequest(await rest(em, `/rest/companies${qs({ filter: 'name[contains]:Acme' })}`));
  });

  it('quirk 5: an unknown field is a 400', async () => {
    expectBadRequest(await rest(em, `/rest/companies${qs({ filter: 'shoeSize[eq]:42' })}`));
  });

  it('quirk 5: an unknown composite sub-field is a 400', async () => {
    expectBadRequest(await rest(em, `/rest/people${qs({ filter: 'name.middleName[eq]:Q' })}`));
  });

  it('quirk 6: each in item loses one pair of quotes, either kind', async () => {
    await expectMatches('companies', `name[in]:['${P} Num9',"${P} Num10"]`, [...named(`${P} Num9`), ...named(`${P} Num10`)]);
  });

  it('quirk 6: an in list is split on every comma, even inside quotes', async () => {
    // Items: `"Zqx Comma`, ` Inc"`, `"Zqx Num9"`: only the last one loses its quotes and matches.
    await expectMatches('companies', `name[in]:["${P} Comma, Inc","${P} Num9"]`, named(`${P} Num9`));
  });

  it('quirk 6: in items are not trimmed', async () => {
    await expectMatches('companies', `name[in]:[${P} Num9, ${P} Num10]`, named(`${P} Num9`));
  });
});

describe('§4 soft-deleted records', () => {
  it('are hidden from an unfiltered list and its totalCount', async () => {
    const all = await fetchAll(em, 'companies');
    expect(all.map((c) => c.id)).not.toContain(ghost.id);
    expect((await list(em, 'companies', { limit: 1 })).totalCount).toBe(companies.length);
  });

  it('are hidden when the filter does not mention deletedAt', async () => {
    await expectMatches('companies', `name[eq]:"${P} Ghost"`, []);
  });

  it('are shown by deletedAt[is]:NOT_NULL', async () => {
    const got = await fetchAll(em, 'companies', { filter: `name[startsWith]:"${P}",deletedAt[is]:NOT_NULL` });
    expect(got.map((c) => c.id)).toEqual([ghost.id]);
    expect(got[0].deletedAt).not.toBeNull();
  });

  it('are shown when deletedAt appears anywhere in the filter', async () => {
    const got = await fetchAll(em, 'companies', { filter: 'or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL)' });
    expect(ids(got)).toEqual(ids([...companies, ghost]));
  });
});
