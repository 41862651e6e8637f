// Conformance: twenty-rest.md §3 (limit, cursors, starting_after / ending_before, pageInfo).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  expectBadRequest,
  fetchAll,
  list,
  qs,
  rest,
  startTestEmulator,
  type Emulator,
  type Rec,
} from './helpers.js';

let em: Emulator;
/** Every person, id ascending: the order of a list with no order_by (§5). */
let people: Rec[];

beforeAll(async () => {
  // 50 companies → 250 people: more than one clamped page of 200.
  em = await startTestEmulator({ companies: 50 });
  people = await fetchAll(em, 'people');
});
afterAll(() => em?.close());

const idsOf = (records: Rec[]) => records.map((r) => r.id);

describe('§3 limit', () => {
  it('has more than 200 people to page through', () => {
    expect(people.length).toBeGreaterThan(200);
  });

  it('returns 60 records when no limit is given', async () => {
    const page = await list(em, 'people');
    expect(idsOf(page.records)).toEqual(idsOf(people.slice(0, 60)));
  });

  it('returns exactly limit records', async () => {
    const page = await list(em, 'people', { limit: 7 });
    expect(idsOf(page.records)).toEqual(idsOf(people.slice(0, 7)));
  });

  it('clamps limit above 200 to 200 silently', async () => {
    const page = await list(em, 'people', { limit: 250 });
    expect(page.records.length).toBe(200);
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it("rejects a negative limit with 400 \"limit '-1' is invalid. Should be an integer\"", async () => {
    expectBadRequest(await rest(em, '/rest/people?limit=-1'), "limit '-1' is invalid. Should be an integer");
  });

  it("rejects a non-number limit with 400 \"limit 'ten' is invalid. Should be an integer\"", async () => {
    expectBadRequest(await rest(em, '/rest/people?limit=ten'), "limit 'ten' is invalid. Should be an integer");
  });

  it('returns no records for limit=0, with null cursors', async () => {
    const page = await list(em, 'people', { limit: 0 });
    expect(page.records).toEqual([]);
    expect(page.pageInfo.startCursor).toBeNull();
    expect(page.pageInfo.endCursor).toBeNull();
    expect(page.totalCount).toBe(people.length);
  });
});

describe('§3 cursors', () => {
  it('is standard base64 of JSON holding the id when there is no order_by', async () => {
    const page = await list(em, 'people', { limit: 3 });
    expect(page.pageInfo.startCursor).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(decodeCursor(page.pageInfo.startCursor)).toEqual({ id: page.records[0].id });
    expect(decodeCursor(page.pageInfo.endCursor)).toEqual({ id: page.records[2].id });
  });

  it('holds the value of each order_by key plus the id', async () => {
    const page = await list(em, 'companies', { limit: 2, order_by: 'name' });
    const last = page.records[1];
    expect(decodeCursor(page.pageInfo.endCursor)).toEqual({ name: last.name, id: last.id });
  });

  it('accepts a cursor built by the client from the documented format', async () => {
    const page = await list(em, 'people', { limit: 5, starting_after: encodeCursor({ id: people[9].id }) });
    expect(idsOf(page.records)).toEqual(idsOf(people.slice(10, 15)));
  });

  it('rejects a cursor whose id is not a UUID string with 400 "Invalid cursor"', async () => {
    for (const payload of [{ id: 5 }, { id: 'x' }, { id: null }, { name: 'Acme' }, { id: [people[0].id] }]) {
      expectBadRequest(await rest(em, `/rest/people${qs({ starting_after: encodeCursor(payload) })}`), 'Invalid cursor');
    }
    expectBadRequest(
      await rest(em, `/rest/people${qs({ order_by: 'jobTitle', ending_before: encodeCursor({ jobTitle: 'x', id: 7 }) })}`),
      'Invalid cursor',
    );
  });

  it('rejects a cursor that does not decode with 400 "Invalid cursor"', async () => {
    expectBadRequest(await rest(em, '/rest/people?starting_after=not-a-cursor'), 'Invalid cursor');
    expectBadRequest(await rest(em, '/rest/people?ending_before=not-a-cursor'), 'Invalid cursor');
  });
});

describe('§3 starting_after and ending_before', () => {
  it('starting_after returns the records strictly after the cursor', async () => {
    const first = await list(em, 'people', { limit: 10 });
    const second = await list(em, 'people', { limit: 10, starting_after: first.pageInfo.endCursor });
    expect(idsOf(second.records)).toEqual(idsOf(people.slice(10, 20)));
  });

  it('ending_before returns the limit records just before the cursor, in normal order', async () => {
    const before = encodeCursor({ id: people[30].id });
    const page = await list(em, 'people', { limit: 10, ending_before: before });
    expect(idsOf(page.records)).toEqual(idsOf(people.slice(20, 30)));
  });

  it('ending_before near the start returns only what exists', async () => {
    const page = await list(em, 'people', { limit: 10, ending_before: encodeCursor({ id: people[4].id }) });
    expect(idsOf(page.records)).toEqual(idsOf(people.slice(0, 4)));
  });

  it('rejects starting_after and ending_before together with 400', async () => {
    const c = encodeCursor({ id: people[5].id });
    expectBadRequest(await rest(em, `/rest/people?starting_after=${encodeURIComponent(c)}&ending_before=${encodeURIComponent(c)}`));
  });

  it('pages forward through every record exactly once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await list(em, 'people', { limit: 37, starting_after: cursor });
      seen.push(...idsOf(page.records));
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(idsOf(people));
  });

  it('pages backward through every record exactly once', async () => {
    const chunks: string[][] = [];
    let cursor = encodeCursor({ id: people[people.length - 1].id });
    let page = await list(em, 'people', { limit: 37, ending_before: cursor });
    for (;;) {
      chunks.unshift(idsOf(page.records));
      if (!page.pageInfo.hasPreviousPage) break;
      cursor = page.pageInfo.startCursor;
      page = await list(em, 'people', { limit: 37, ending_before: cursor });
    }
    expect(chunks.flat()).toEqual(idsOf(people.slice(0, -1)));
  });

  it('pages with an order_by cursor give the same sequence as one big page', async () => {
    const whole = await list(em, 'companies', { limit: 200, order_by: 'employees[DescNullsLast]' });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await list(em, 'companies', { limit: 7, order_by: 'employees[DescNullsLast]', starting_after: cursor });
      seen.push(...idsOf(page.records));
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(idsOf(whole.records));
  });

  it('ending_before works with an order_by cursor', async () => {
    const whole = await list(em, 'companies', { limit: 200, order_by: 'employees[DescNullsLast]' });
    const at = await list(em, 'companies', { limit: 20, order_by: 'employees[DescNullsLast]' });
    const cursorOf20th = at.pageInfo.endCursor;
    const page = await list(em, 'companies', { limit: 5, order_by: 'employees[DescNullsLast]', ending_before: cursorOf20th });
    expect(idsOf(page.records)).toEqual(idsOf(whole.records.slice(14, 19)));
  });
});

describe('§3 pageInfo', () => {
  it('first forward page: hasNextPage true, hasPreviousPage false', async () => {
    const page = await list(em, 'people', { limit: 10 });
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it('forward page after a cursor: hasPreviousPage true', async () => {
    const page = await list(em, 'people', { limit: 10, starting_after: encodeCursor({ id: people[0].id }) });
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('last forward page: hasNextPage false', async () => {
    const page = await list(em, 'people', { limit: 10, starting_after: encodeCursor({ id: people[people.length - 6].id }) });
    expect(page.records.length).toBe(5);
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('a page that ends exactly at the last record says hasNextPage false', async () => {
    const page = await list(em, 'people', { limit: 5, starting_after: encodeCursor({ id: people[people.length - 6].id }) });
    expect(page.records.length).toBe(5);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('backward page with more before: hasPreviousPage true, hasNextPage true (a cursor was given)', async () => {
    const page = await list(em, 'people', { limit: 10, ending_before: encodeCursor({ id: people[30].id }) });
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('backward page reaching the start: hasPreviousPage false, hasNextPage true', async () => {
    const page = await list(em, 'people', { limit: 10, ending_before: encodeCursor({ id: people[4].id }) });
    expect(page.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it('startCursor and endCursor are the first and last record cursors', async () => {
    const page = await list(em, 'people', { limit: 4, starting_after: encodeCursor({ id: people[2].id }) });
    expect(decodeCursor(page.pageInfo.startCursor)).toEqual({ id: people[3].id });
    expect(decodeCursor(page.pageInfo.endCursor)).toEqual({ id: people[6].id });
  });

  it('an empty page has null cursors', async () => {
    const page = await list(em, 'people', { starting_after: encodeCursor({ id: people[people.length - 1].id }) });
    expect(page.records).toEqual([]);
    expect(page.pageInfo).toMatchObject({ hasNextPage: false, startCursor: null, endCursor: null });
  });
});

describe('§3 totalCount', () => {
  it('counts every record when there is no filter', async () => {
    expect((await list(em, 'people', { limit: 1 })).totalCount).toBe(people.length);
  });

  it('ignores the cursor', async () => {
    const page = await list(em, 'people', { limit: 10, starting_after: encodeCursor({ id: people[100].id }) });
    expect(page.totalCount).toBe(people.length);
    const back = await list(em, 'people', { limit: 10, ending_before: encodeCursor({ id: people[100].id }) });
    expect(back.totalCount).toBe(people.length);
  });

  it('counts every match of the filter, not just the page', async () => {
    const companyId = people.find((p) => p.companyId)!.companyId;
    const expected = people.filter((p) => p.companyId === companyId).length;
    const page = await list(em, 'people', { limit: 1, filter: `companyId[eq]:${companyId}` });
    expect(page.totalCount).toBe(expected);
  });
});
