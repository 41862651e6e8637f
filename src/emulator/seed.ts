/**
 * Deterministic demo data: the same seed and size give the same records (timestamps are anchored
 * to the start of the current UTC day, so close dates stay "around now"). One transaction and one
 * prepared statement per object keep 10,000 companies / 50,000 people well under 30 s.
 */
import { DOC, getMeta, setMeta, type Db } from './db.js';
import { type ColumnDef, type ObjectDef, type ObjectRegistry } from './objects.js';
import {
  CITIES, COMPANY_PREFIXES, COMPANY_SUFFIXES, FIRST_NAMES, JOB_TITLES, LAST_NAMES, MEMBER_NAMES, NOTE_TITLES,
  PRODUCTS, STREETS, TASK_TITLES,
} from './seed-data.js';

export interface SeedSize {
  companies: number;
}

/** mulberry32: small, fast and good enough for demo data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Gen {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** An item drawn with the given relative weights (same length as items). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let r = this.next() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < items.length; i++) if ((r -= weights[i]) < 0) return items[i];
    return items[items.length - 1];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  uuid(): string {
    let hex = '';
    for (let i = 0; i < 4; i++) hex += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[this.int(0, 3)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

type Body = Record<string, unknown>;

const DAY = 86_400_000;
const slugs = new Map<string, string>();
const slug = (s: string): string => {
  let out = slugs.get(s);
  if (out === undefined) {
    out = s.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    if (slugs.size < 100_000) slugs.set(s, out);
  }
  return out;
};

function stored(col: ColumnDef, value: unknown): unknown {
  if (value === undefined) {
    const d = col.sub ? col.sub.default : col.field.default;
    if (d === null || d === undefined) return null;
    if (col.kind === 'RAW_JSON') return JSON.stringify(d);
    if (col.kind === 'BOOLEAN') return d ? 1 : 0;
    return d;
  }
  if (value === null) return null;
  if (col.kind === 'BOOLEAN') return value ? 1 : 0;
  if (col.kind === 'RAW_JSON') return JSON.stringify(value);
  return value;
}

function jsonDefault(col: ColumnDef): unknown {
  const d = col.sub ? col.sub.default : col.field.default;
  return d === undefined ? null : d;
}

/** An insert function for trusted seed bodies shaped like API records. */
function inserter(db: Db, def: ObjectDef, ws: string): (body: Body) => void {
  const cols = def.columns;
  const stmt = db.prepare(
    `INSERT INTO "${def.plural}" ("ws", ${cols.map((c) => `"${c.column}"`).join(', ')}, "${DOC}") VALUES (?, ${cols.map(() => '?').join(', ')}, ?)`,
  );
  const plan = def.fields.map((field) => ({ field, cols: cols.filter((c) => c.field === field) }));
  return (body) => {
    // The document is built from the body's JSON values directly, in the field order serializeRow uses.
    const doc: Record<string, unknown> = {};
    const values: unknown[] = [];
    for (const { field, cols: fieldCols } of plan) {
      if (fieldCols[0].sub) {
        const given = body[field.name] as Body | undefined;
        const composite: Record<string, unknown> = {};
        for (const c of fieldCols) {
          const v = given?.[c.sub!.name];
          const s = stored(c, v);
          values.push(s);
          composite[c.sub!.name] = v === undefined ? jsonDefault(c) : v;
        }
        doc[field.name] = composite;
      } else {
        const c = fieldCols[0];
        // Scalars by column: target links are written by their current names in legacy mode too.
        const v = body[c.column];
        values.push(stored(c, v));
        doc[field.name] = v === undefined ? jsonDefault(c) : v;
      }
    }
    stmt.run(ws, ...values, JSON.stringify(doc));
  };
}

export function seedWorkspace(db: Db, registry: ObjectRegistry, ws: string, seed: number, size: SeedSize): void {
  const g = new Gen(seed);
  const anchor = Math.floor(Date.now() / DAY) * DAY;
  const iso = (ms: number) => new Date(ms).toISOString();
  const past = () => anchor - g.int(1, 365) * DAY - g.int(0, DAY - 1);
  const actor = (name: string, memberId: string | null = null) => ({ source: memberId ? 'MANUAL' : 'IMPORT', workspaceMemberId: memberId, name, context: {} });
  const system = (memberName: string, memberId: string | null) => {
    const created = past();
    return {
      id: g.uuid(),
      createdAt: iso(created),
      updatedAt: iso(Math.min(anchor, created + g.int(0, 30) * DAY)),
      deletedAt: null,
      createdBy: actor(memberName, memberId),
      updatedBy: actor(memberName, memberId),
    };
  };
  const ins = (plural: string) => inserter(db, registry.get(plural)!, ws);

  const nCompanies = size.companies;
  const members: Array<{ id: string; name: string }> = [];
  const insertMember = ins('workspaceMembers');
  const memberCount = nCompanies === 0 ? 0 : Math.min(MEMBER_NAMES.length, 4 + Math.floor(g.next() * 6));
  const domainRoot = ws === 'acme' ? 'acme.dev' : `${ws}.dev`;
  for (let i = 0; i < memberCount; i++) {
    const [firstName, lastName] = MEMBER_NAMES[(i + (ws === 'acme' ? 0 : 3)) % MEMBER_NAMES.length];
    const body = {
      ...system('System', null),
      name: { firstName, lastName },
      userEmail: `${firstName.toLowerCase()}.${lastName.toLowerCase()}@${domainRoot}`,
      avatarUrl: '',
      locale: 'en',
      timeZone: g.pick(['Europe/Paris', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo']),
      colorScheme: 'System',
      userId: g.uuid(),
    };
    insertMember(body);
    members.push({ id: body.id, name: `${firstName} ${lastName}` });
  }
  const member = () => g.pick(members);
  const byMember = () => {
    const m = member();
    return system(m.name, m.id);
  };

  const insertCompany = ins('companies');
  const companies: Array<{ id: string; name: string; domain: string }> = [];
  const usedNames = new Set<string>();
  for (let i = 0; i < nCompanies; i++) {
    let name = `${g.pick(COMPANY_PREFIXES)} ${g.pick(COMPANY_SUFFIXES)}`;
    if (usedNames.has(name)) name = `${name} ${g.pick(['Group', 'Inc', 'International', 'Holdings', 'Co'])} ${i}`;
    usedNames.add(name);
    const domain = `${slug(name)}.com`;
    const [city, state, country] = g.pick(CITIES);
    const body = {
      ...byMember(),
      name,
      domainName: { primaryLinkUrl: `https://${domain}`, primaryLinkLabel: '', secondaryLinks: [] },
      employees: g.int(5, 20_000),
      linkedinLink: { primaryLinkUrl: `https://www.linkedin.com/company/${slug(name)}`, primaryLinkLabel: '', secondaryLinks: [] },
      xLink: { primaryLinkUrl: g.chance(0.6) ? `https://x.com/${slug(name).replace(/-/g, '')}` : '', primaryLinkLabel: '', secondaryLinks: [] },
      annualRecurringRevenue: { amountMicros: g.int(100, 50_000) * 1_000_000_000, currencyCode: 'USD' },
      address: {
        addressStreet1: `${g.int(1, 999)} ${g.pick(STREETS)}`,
        addressStreet2: '',
        addressCity: city,
        addressState: state,
        addressPostcode: String(g.int(10000, 99999)),
        addressCountry: country,
        addressLat: null,
        addressLng: null,
      },
      idealCustomerProfile: g.chance(0.2),
      position: i,
      accountOwnerId: members.length ? member().id : null,
    };
    insertCompany(body);
    companies.push({ id: body.id, name, domain });
  }

  const insertPerson = ins('people');
  const peopleByCompany: string[][] = companies.map(() => []);
  for (let i = 0; i < nCompanies * 5; i++) {
    const companyIndex = Math.floor(i / 5);
    const company = companies[companyIndex];
    const firstName = g.pick(FIRST_NAMES);
    const lastName = g.pick(LAST_NAMES);
    const [city] = g.pick(CITIES);
    const body = {
      ...byMember(),
      name: { firstName, lastName },
      emails: { primaryEmail: `${slug(firstName)}.${slug(lastName)}@${company.domain}`, additionalEmails: [] },
      phones: {
        primaryPhoneNumber: `555${String(g.int(0, 9_999_999)).padStart(7, '0')}`,
        primaryPhoneCountryCode: 'US',
        primaryPhoneCallingCode: '+1',
        additionalPhones: [],
      },
      jobTitle: g.pick(JOB_TITLES),
      city,
      avatarUrl: '',
      linkedinLink: { primaryLinkUrl: `https://www.linkedin.com/in/${slug(firstName)}-${slug(lastName)}-${i}`, primaryLinkLabel: '', secondaryLinks: [] },
      xLink: { primaryLinkUrl: '', primaryLinkLabel: '', secondaryLinks: [] },
      position: i,
      companyId: company.id,
    };
    insertPerson(body);
    peopleByCompany[companyIndex].push(body.id);
  }

  const insertOpportunity = ins('opportunities');
  const stages = registry.get('opportunities')!.fieldsByName.get('stage')!.options!.map((o) => o.value);
  // A sales funnel: most deals early, fewer at each later stage (weights by stage position).
  const stageWeights = stages.map((_, i) => stages.length + 1 - i);
  const opportunities: Array<{ id: string; company: number }> = [];
  const nOpportunities = Math.floor(nCompanies * 2.5);
  for (let i = 0; i < nOpportunities; i++) {
    const companyIndex = g.int(0, nCompanies - 1);
    const company = companies[companyIndex];
    const body = {
      ...byMember(),
      name: `${company.name} - ${g.pick(PRODUCTS)}`,
      amount: { amountMicros: g.int(1, 500) * 1_000_000_000, currencyCode: g.chance(0.85) ? 'USD' : 'EUR' },
      // Close dates spread over the 12 months around today.
      closeDate: iso(anchor + g.int(-182, 182) * DAY),
      // The first few cover every stage, so even a tiny demo shows them all.
      stage: i < stages.length ? stages[i] : g.weighted(stages, stageWeights),
      position: i,
      companyId: company.id,
      pointOfContactId: g.chance(0.9) ? g.pick(peopleByCompany[companyIndex]) : null,
      ownerId: members.length ? member().id : null,
    };
    insertOpportunity(body);
    opportunities.push({ id: body.id, company: companyIndex });
  }

  const richText = (text: string) => ({
    blocknote: JSON.stringify([{ id: g.uuid(), type: 'paragraph', props: {}, content: [{ type: 'text', text, styles: {} }], children: [] }]),
    markdown: text,
  });
  const insertNote = ins('notes');
  const insertNoteTarget = ins('noteTargets');
  const insertTask = ins('tasks');
  const insertTaskTarget = ins('taskTargets');
  const statuses = ['TODO', 'IN_PROGRESS', 'DONE'];
  for (let i = 0; i < nCompanies; i++) {
    const companyIndex = g.int(0, nCompanies - 1);
    const company = companies[companyIndex];
    const title = `${g.pick(NOTE_TITLES)} with ${company.name}`;
    const note = { ...byMember(), title, bodyV2: richText(`${title}: next steps agreed.`), position: i };
    insertNote(note);
    insertNoteTarget({ ...byMember(), noteId: note.id, targetCompanyId: company.id });
    if (g.chance(0.5)) insertNoteTarget({ ...byMember(), noteId: note.id, targetPersonId: g.pick(peopleByCompany[companyIndex]) });
    if (opportunities.length && g.chance(0.3)) {
      insertNoteTarget({ ...byMember(), noteId: note.id, targetOpportunityId: g.pick(opportunities).id });
    }

    const taskTitle = `${g.pick(TASK_TITLES)} (${company.name})`;
    const task = {
      ...byMember(),
      title: taskTitle,
      bodyV2: richText(taskTitle),
      dueAt: g.chance(0.8) ? iso(anchor + g.int(-30, 60) * DAY + 17 * 3_600_000) : null,
      status: g.pick(statuses),
      position: i,
      assigneeId: members.length && g.chance(0.9) ? member().id : null,
    };
    insertTask(task);
    insertTaskTarget({ ...byMember(), taskId: task.id, targetCompanyId: company.id });
    if (g.chance(0.5)) insertTaskTarget({ ...byMember(), taskId: task.id, targetPersonId: g.pick(peopleByCompany[companyIndex]) });
  }
}

export const WORKSPACES = ['acme', 'globex'] as const;

/**
 * When a database already holds demo data seeded with another seed or size, a one-line warning
 * naming the file and how to get the asked-for data; undefined when they agree or nothing is
 * recorded. A file database is the user's data: it is never reseeded behind their back.
 */
export function seedMismatchWarning(db: Db, file: string, seed: number, size: SeedSize): string | undefined {
  const seeded = getMeta(db, 'seeded');
  if (seeded === undefined) return undefined;
  let stored: { seed?: unknown; companies?: unknown };
  try {
    stored = JSON.parse(seeded) as typeof stored;
  } catch {
    return undefined;
  }
  if (stored.seed === seed && stored.companies === size.companies) return undefined;
  return (
    `emulator: ${file} already holds demo data seeded with --seed ${String(stored.seed)} --companies ${String(stored.companies)}; ` +
    `ignoring --seed ${seed} --companies ${size.companies}. Delete ${file} to reseed.`
  );
}

/**
 * Seeds both workspaces in one transaction unless the database already holds records (a file
 * database keeps its data across restarts). globex gets other data from another seed, at half size.
 */
export function seedIfEmpty(db: Db, registry: ObjectRegistry, seed: number, size: SeedSize): boolean {
  const row = db.prepare('SELECT COUNT(*) AS c FROM "workspaceMembers"').get() as { c: number };
  if (row.c > 0 || getMeta(db, 'seeded') !== undefined) return false;
  db.transaction(() => {
    seedWorkspace(db, registry, 'acme', seed, size);
    seedWorkspace(db, registry, 'globex', seed + 7919, { companies: Math.ceil(size.companies / 2) });
    setMeta(db, 'seeded', JSON.stringify({ seed, companies: size.companies, at: new Date().toISOString() }));
  })();
  return true;
}
