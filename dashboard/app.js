// The live pipeline board of twenty-bff: plain JavaScript, no build step, no third-party code.
//
// Two subscriptions over SSE keep it current:
// - `pipelineUpdated`: the pipeline report, sent at once and again whenever it changes. It gives the
//   columns (every stage of the workspace in its order, empty ones too), their counts and their
//   per-currency totals, exact at any size (micros as big integers), and the bar chart.
// - `opportunityChanged`: each deal's changes, for the top cards of each column, over the deals
//   read once when the page opens (up to 5,000); it resumes with `Last-Event-ID` after a drop.

const KEY_STORE = 'twenty-bff.api-key';
const TOP_CARDS = 5;
const MAX_DEALS = 5000;
const MONEY = 'amountMicros currencyCode';
const DEAL = `id name stage amount { ${MONEY} } company { name } updatedAt`;
const DEALS = `query Deals($after: String) { opportunities(first: 1000, after: $after) { pageInfo { hasNextPage endCursor } edges { node { ${DEAL} } } } }`;
const CHANGES = `subscription DealChanges { opportunityChanged { kind id eventId node { ${DEAL} } } }`;
const BOARD = `subscription Board { pipelineUpdated { count totals { ${MONEY} } stages { stage info { label color } count totals { ${MONEY} } } } }`;

const needsKey = document.documentElement.dataset.needsKey === 'true';
const $ = (id) => document.getElementById(id);
let key = sessionStorage.getItem(KEY_STORE);
const deals = new Map();
const changedAt = new Map();
let pipeline = null;
let lastEventId;
let loaded = false;
let renderQueued = false;
/** The running subscriptions; aborted when the key is refused. */
let session = null;

function headers(extra = {}) {
  return { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...extra };
}

class FeedError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

async function graphql(query, variables) {
  const response = await fetch('/graphql', { method: 'POST', headers: headers({ accept: 'application/json' }), body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors?.length) throw new FeedError(body.errors[0].message, body.errors[0].extensions?.code);
  return body.data;
}

async function loadDeals() {
  deals.clear();
  let after = null;
  do {
    const { opportunities } = await graphql(DEALS, { after });
    for (const { node } of opportunities.edges) deals.set(node.id, node);
    after = opportunities.pageInfo.hasNextPage ? opportunities.pageInfo.endCursor : null;
  } while (after && deals.size < MAX_DEALS);
  loaded = true;
  queueRender();
}

/** SSE events ({ event, data, id }) from a fetch response body. */
async function* sseEvents(body) {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = {};
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        event[line.slice(0, colon)] = line.slice(colon + 1).trimStart();
      }
      if (event.event) yield event;
    }
  }
}

/**
 * Follows one subscription for as long as `signal` lives, reconnecting after a drop: `opened`
 * runs once its stream is open, `next` for each result's data (with the event's SSE id).
 */
async function follow(signal, { query, resumeFrom, opened, next }) {
  while (!signal.aborted) {
    try {
      const from = resumeFrom?.();
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: headers({ accept: 'text/event-stream', ...(from ? { 'last-event-id': from } : {}) }),
        body: JSON.stringify({ query }),
        signal,
      });
      if (!response.ok) throw new FeedError(`The BFF answered ${response.status}.`);
      setStatus('live');
      await opened?.();
      for await (const event of sseEvents(response.body)) {
        if (event.event !== 'next') continue;
        const result = JSON.parse(event.data);
        if (result.errors?.length) throw new FeedError(result.errors[0].message, result.errors[0].extensions?.code);
        next(result.data, event.id);
        showError(null);
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN') return askForKey(error.message);
      if (error.code === 'BAD_USER_INPUT' && resumeFrom) {
        // Too long away to resume: start again from the current state.
        lastEventId = undefined;
        loaded = false;
      } else {
        showError(error.message);
      }
    }
    if (signal.aborted) return;
    setStatus('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function start() {
  session?.abort();
  session = new AbortController();
  const { signal } = session;
  follow(signal, {
    query: BOARD,
    next(data) {
      pipeline = data.pipelineUpdated;
      queueRender();
    },
  });
  follow(signal, {
    query: CHANGES,
    resumeFrom: () => lastEventId,
    // The deals are read once the stream is open, so no change is missed between the two.
    opened: () => (loaded ? undefined : loadDeals()),
    next(data, id) {
      if (id) lastEventId = id;
      apply(data.opportunityChanged);
    },
  });
}

function apply(change) {
  const held = deals.get(change.id);
  if (change.kind === 'DELETED' || change.kind === 'DESTROYED' || !change.node) deals.delete(change.id);
  // An event older than what the first load read changes nothing.
  else if (!held || !held.updatedAt || !change.node.updatedAt || change.node.updatedAt >= held.updatedAt) deals.set(change.id, change.node);
  changedAt.set(change.id, Date.now());
  queueRender();
}

/** The board: the report's stages as columns, each with its top deals (biggest amounts first). */
function board(report) {
  const byStage = new Map();
  for (const deal of deals.values()) {
    const stage = deal.stage ?? '';
    if (!byStage.has(stage)) byStage.set(stage, []);
    byStage.get(stage).push(deal);
  }
  return report.stages.map((stage) => ({
    stage: stage.stage,
    label: stage.info?.label ?? (stage.stage || 'No stage'),
    color: stage.info?.color ?? null,
    count: stage.count,
    totals: stage.totals,
    top: (byStage.get(stage.stage) ?? []).sort((a, b) => compareMicros(b, a) || String(a.name).localeCompare(String(b.name))).slice(0, TOP_CARDS),
  }));
}

// Twenty names its option colors; most are CSS color names, these are not.
const COLORS = { sky: '#4aa8ff', gray: '#9aa1ae' };
const cssColor = (name) => (name ? (COLORS[name] ?? name) : null);

/** Each deal's amount as a big integer, parsed once per version of the deal rather than at every comparison of every render. */
const microsOf = new WeakMap();
function micros(deal) {
  let value = microsOf.get(deal);
  if (value === undefined) microsOf.set(deal, (value = deal.amount?.amountMicros == null ? -1n : BigInt(deal.amount.amountMicros)));
  return value;
}
const compareMicros = (a, b) => (micros(a) > micros(b) ? 1 : micros(a) < micros(b) ? -1 : 0);

/** An amount in whole units, exactly: micros are big integers, rounded half away from zero. */
function money(amountMicros, currency) {
  const value = BigInt(amountMicros);
  const units = (value < 0n ? value - 500_000n : value + 500_000n) / 1_000_000n;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 0 }).format(units);
  } catch {
    return `${units.toLocaleString()} ${currency ?? ''}`.trim();
  }
}

const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

function totalsOf(totals) {
  const node = el('div', 'totals');
  if (totals.length === 0) node.textContent = '—';
  totals.forEach((t, i) => {
    const total = el('span', 'total', money(t.amountMicros, t.currencyCode));
    total.dataset.currency = t.currencyCode ?? '';
    total.dataset.micros = t.amountMicros;
    node.append(...(i > 0 ? [' · '] : []), total);
  });
  return node;
}

function queueRender() {
  if (renderQueued || !pipeline) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render(board(pipeline));
  });
}

function render(stages) {
  const now = Date.now();
  const columns = stages.map((stage) => {
    const column = el('div', 'column');
    column.dataset.stage = stage.stage;
    const title = el('h2');
    const dot = el('span', 'dot');
    if (stage.color) dot.style.background = cssColor(stage.color);
    title.append(dot, el('span', '', stage.label), el('span', 'count', String(stage.count)));
    column.append(title, totalsOf(stage.totals));
    for (const deal of stage.top) {
      const card = el('div', (changedAt.get(deal.id) ?? 0) > now - 3000 ? 'card changed' : 'card');
      card.dataset.id = deal.id;
      const meta = el('div', 'meta');
      meta.append(el('span', '', deal.company?.name ?? ''), el('span', '', deal.amount?.amountMicros != null ? money(deal.amount.amountMicros, deal.amount.currencyCode ?? '') : ''));
      card.append(el('div', 'name', deal.name ?? '(no name)'), meta);
      column.append(card);
    }
    if (stage.count > stage.top.length) column.append(el('div', 'more', `+ ${stage.count - stage.top.length} more`));
    return column;
  });
  $('board').replaceChildren(...columns);

  // Bars: each stage's total in the currency most deals use (else the first of the pipeline's).
  const byCurrency = new Map();
  for (const deal of deals.values()) {
    const code = deal.amount?.currencyCode;
    if (deal.amount?.amountMicros != null && code) byCurrency.set(code, (byCurrency.get(code) ?? 0) + 1);
  }
  const currency = [...byCurrency].sort((a, b) => b[1] - a[1])[0]?.[0] ?? pipeline.totals[0]?.currencyCode;
  const totalOf = (stage) => BigInt(stage.totals.find((t) => t.currencyCode === currency)?.amountMicros ?? 0);
  const max = stages.reduce((m, s) => (totalOf(s) > m ? totalOf(s) : m), 1n);
  $('chart').replaceChildren(
    ...stages.map((stage) => {
      const row = el('div', 'bar-row');
      row.dataset.stage = stage.stage;
      const track = el('div', 'bar-track');
      const bar = el('div', 'bar');
      bar.style.width = `${Number((totalOf(stage) * 1000n) / max) / 10}%`;
      if (stage.color) bar.style.background = cssColor(stage.color);
      track.append(bar);
      row.append(el('span', '', stage.label), track, el('span', 'bar-value', currency === undefined ? '' : money(totalOf(stage), currency)));
      return row;
    }),
  );
  $('summary').textContent = `${pipeline.count} deals · updated ${new Date().toLocaleTimeString()}`;
}

function setStatus(state) {
  $('status').dataset.state = state;
  $('status').textContent = state;
}

function showError(message) {
  $('error').hidden = !message;
  $('error').textContent = message ?? '';
}

function askForKey(message) {
  session?.abort();
  session = null;
  sessionStorage.removeItem(KEY_STORE);
  key = null;
  setStatus('waiting for a key');
  $('key-form').hidden = false;
  showError(message);
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  key = $('key').value.trim();
  sessionStorage.setItem(KEY_STORE, key);
  $('key-form').hidden = true;
  $('forget').hidden = false;
  showError(null);
  start();
});
$('forget').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORE);
  location.reload();
});

if (needsKey && !key) askForKey(null);
else {
  $('forget').hidden = !key;
  start();
}
