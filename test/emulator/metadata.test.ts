// Conformance: twenty-rest.md §1 `/rest/metadata/objects` and `/rest/open-api/core`, against §10.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchAll, rest, startTestEmulator, type Emulator, type Rec } from './helpers.js';

const PLURALS = ['companies', 'people', 'opportunities', 'notes', 'tasks', 'noteTargets', 'taskTargets', 'workspaceMembers'];

let em: Emulator;
let objects: Rec[];

beforeAll(async () => {
  em = await startTestEmulator({ companies: 5 });
  const res = await rest(em, '/rest/metadata/objects');
  expect(res.status).toBe(200);
  objects = res.body.data.objects;
});
afterAll(() => em?.close());

const object = (plural: string) => objects.find((o) => o.namePlural === plural)!;
const field = (plural: string, name: string) => object(plural).fields.find((f: Rec) => f.name === name);

describe('§1 /rest/metadata/objects', () => {
  it('lists every object with nameSingular, namePlural and fields', () => {
    for (const plural of PLURALS) {
      const o = object(plural);
      expect(o, plural).toBeDefined();
      expect(typeof o.nameSingular).toBe('string');
      expect(Array.isArray(o.fields)).toBe(true);
    }
    expect(object('companies').nameSingular).toBe('company');
    expect(object('people').nameSingular).toBe('person');
  });

  it('describes each field with a name and a type', () => {
    for (const o of objects) {
      for (const f of o.fields) {
        expect(typeof f.name, `${o.namePlural}.${JSON.stringify(f)}`).toBe('string');
        expect(typeof f.type).toBe('string');
      }
    }
    expect(field('opportunities', 'amount').type).toBe('CURRENCY');
    expect(field('people', 'name').type).toBe('FULL_NAME');
    expect(field('companies', 'domainName').type).toBe('LINKS');
  });

  it('gives opportunity.stage its options with value, label, color and position', () => {
    const stage = field('opportunities', 'stage');
    expect(stage.type).toBe('SELECT');
    expect([...stage.options].sort((a: Rec, b: Rec) => a.position - b.position).map((o: Rec) => o.value)).toEqual([
      'NEW',
      'SCREENING',
      'MEETING',
      'PROPOSAL',
      'CUSTOMER',
    ]);
    for (const o of stage.options) {
      expect(o).toMatchObject({ value: expect.any(String), label: expect.any(String), color: expect.any(String), position: expect.any(Number) });
    }
  });

  it('gives task.status its options TODO, IN_PROGRESS and DONE', () => {
    const status = field('tasks', 'status');
    expect(status.type).toBe('SELECT');
    expect(status.options.map((o: Rec) => o.value).sort()).toEqual(['DONE', 'IN_PROGRESS', 'TODO']);
  });

  it('names every field a record actually carries', async () => {
    for (const plural of PLURALS) {
      const [record] = await fetchAll(em, plural);
      const names = new Set(object(plural).fields.map((f: Rec) => f.name));
      for (const key of Object.keys(record)) expect(names.has(key), `${plural}.${key}`).toBe(true);
    }
  });
});

describe('§1 /rest/open-api/core', () => {
  let doc: Rec;
  beforeAll(async () => {
    const res = await rest(em, '/rest/open-api/core');
    expect(res.status).toBe(200);
    doc = res.body;
  });

  it('is an OpenAPI 3 document', () => {
    expect(String(doc.openapi)).toMatch(/^3\./);
    expect(doc.info).toBeDefined();
    expect(typeof doc.paths).toBe('object');
  });

  it('has list and by-id paths for every object', () => {
    const paths = Object.keys(doc.paths);
    for (const plural of PLURALS) {
      expect(paths.some((p) => new RegExp(`/${plural}$`).test(p)), plural).toBe(true);
      expect(paths.some((p) => new RegExp(`/${plural}/\\{[^}]+\\}$`).test(p)), `${plural}/{id}`).toBe(true);
    }
  });

  it('puts nothing beside a $ref (OpenAPI 3.0 ignores $ref siblings)', () => {
    const offenders: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      if (!Array.isArray(node) && '$ref' in node && Object.keys(node).length > 1) offenders.push(at);
      for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`);
    };
    walk(doc, '#');
    expect(offenders).toEqual([]);
  });

  it('marks depth-1 many-to-one relations nullable, as they are null when the foreign key is (§6)', async () => {
    const person = doc.components.schemas.PersonWithRelations.properties.company;
    expect(person).toMatchObject({ allOf: [{ $ref: '#/components/schemas/Company' }], nullable: true });
    const created = await rest(em, '/rest/people', { method: 'POST', body: { name: { firstName: 'No', lastName: 'Company' } } });
    const read = await rest(em, `/rest/people/${created.body.data.createPerson.id}?depth=1`);
    expect(read.body.data.person.company).toBeNull();
  });

  it('describes lists as the flat array the server really sends, not edges/node', () => {
    // Schemas may sit under components and be referenced, so look at the whole document.
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/"edges"/);
    expect(text).toMatch(/"totalCount"/);
    expect(text).toMatch(/"pageInfo"/);
  });
});
