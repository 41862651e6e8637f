// The live pipeline board of twenty-bff: plain JavaScript, no build step, no third-party code.
//
// The board model is { stages: [{ stage, label, color, count, totals: [{ currencyCode, amountMicros }], top: [deal] }] }.
// Today it is computed here from the deals (the `opportunities` query) and kept current by the
// `opportunityChanged` subscription over SSE. When the BFF serves the pipeline report, the stages'
// counts and totals come from `pipelineUpdated` instead (exact at any size, empty stages included):
// replace `boardFromDeals` by the report's stages and keep the deals for the top cards.

const KEY_STORE = 'twenty-bff.api-key';
const TOP_CARDS = 5;
const MAX_DEALS = 5000;
const DEAL = 'id name stage stageInfo { value label color position } amount { amountMicros currencyCode } company { name } updatedAt';
const DEALS = `query Deals($after: String) { opportunities(first: 1000, after: $after) { pageInfo { hasNextPage endCursor } edges { node { ${DEAL} } } } }`;
const CHANGES = `subscription DealChanges { opportunityChanged { kind id eventId node { ${DEAL} } } }`;

const needsKey = document.documentElement.dataset.needsKey === 'true';
const $ = (id) => document.getElementById(id);
let key = sessionStorage.getItem(KEY_STORE);
const deals = new Map();
const changedAt = new Map();
let lastEventId;
let loaded = false;
let renderQueued = false;

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

/** Subscribes, loads the deals once the stream is open (so no change is missed), and resumes after a drop. */
async function follow() {
  for (;;) {
    try {
      const response = await fetch('/graphql', {
        method: 'POST',
        headers: headers({ accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }),
        body: JSON.stringify({ query: CHANGES }),
      });
      if (!response.ok) throw new FeedError(`The BFF answered ${response.status}.`);
      setStatus('live');
      if (!loaded) await loadDeals();
      for await (const event of sseEvents(response.body)) {
        if (event.event !== 'next') continue;
        const result = JSON.parse(event.data);
        if (result.errors?.length) throw new FeedError(result.errors[0].message, result.errors[0].extensions?.code);
        if (event.id) lastEventId = event.id;
        apply(result.data.opportunityChanged);
      }
    } catch (error) {
      if (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN') return askForKey(error.message);
      if (error.code === 'BAD_USER_INPUT') {
        // Too long away to resume: start again from the current state.
        lastEventId = undefined;
        loaded = false;
      } else {
        showError(error.message);
      }
    }
    setStatus('reconnecting');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function apply(change) {
  const held = deals.get(change.id);
  if (change.kind === 'DELETED' || change.kind === 'DESTROYED' || !change.node) deals.delete(change.id);
  // An event older than what the first load read changes nothing.
  else if (!held || !held.updatedAt || !change.node.updatedAt || change.node.updatedAt >= held.updatedAt) deals.set(change.id, change.node);
  changedAt.set(change.id, Date.now());
  showError(null);
  queueRender();
}

function boardFromDeals(all) {
  const stages = new Map();
  for (const deal of all) {
    const info = deal.stageInfo ?? { value: deal.stage, label: deal.stage ?? 'No stage', color: null, position: Number.MAX_SAFE_INTEGER };
    let stage = stages.get(deal.stage);
    if (!stage) stages.set(deal.stage, (stage = { stage: deal.stage, label: info.label, color: info.color, position: info.position ?? 0, count: 0, totals: new Map(), deals: [] }));
    stage.count += 1;
    stage.deals.push(deal);
    if (deal.amount?.amountMicros != null) {
      const currency = deal.amount.currencyCode ?? '';
      stage.totals.set(currency, (stage.totals.get(currency) ?? 0n) + BigInt(deal.amount.amountMicros));
    }
  }
  return {
    stages: [...stages.values()]
      .sort((a, b) => a.position - b.position)
      .map(({ deals: list, totals, ...stage }) => ({
        ...stage,
        totals: [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([currencyCode, amountMicros]) => ({ currencyCode, amountMicros })),
        top: list.sort((a, b) => compareMicros(b, a) || String(a.name).localeCompare(String(b.name))).slice(0, TOP_CARDS),
      })),
  };
}

// Twenty names its option colors; most are CSS color names, these are not.
const COLORS = { sky: '#4aa8ff', gray: '#9aa1ae' };
const cssColor = (name) => (name ? (COLORS[name] ?? name) : null);

const micros = (deal) => (deal.amount?.amountMicros == null ? -1n : BigInt(deal.amount.amountMicros));
const compareMicros = (a, b) => (micros(a) > micros(b) ? 1 : micros(a) < micros(b) ? -1 : 0);

function money(amountMicros, currency) {
  const units = Number(BigInt(amountMicros) / 10_000n) / 100;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 0 }).format(units);
  } catch {
    return `${units.toLocaleString()} ${currency}`.trim();
  }
}

const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

function queueRender() {
  if (renderQueued || !loaded) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render(boardFromDeals(deals.values()));
  });
}

function render(board) {
  const now = Date.now();
  const columns = board.stages.map((stage) => {
    const column = el('div', 'column');
    column.dataset.stage = stage.stage ?? '';
    const title = el('h2');
    const dot = el('span', 'dot');
    if (stage.color) dot.style.background = cssColor(stage.color);
    title.append(dot, el('span', '', stage.label), el('span', 'count', String(stage.count)));
    column.append(title, el('div', 'totals', stage.totals.map((t) => money(t.amountMicros, t.currencyCode)).join(' · ') || '—'));
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

  // Bars: each stage's total in the currency most deals use.
  const byCurrency = new Map();
  for (const stage of board.stages) for (const t of stage.totals) byCurrency.set(t.currencyCode, (byCurrency.get(t.currencyCode) ?? 0) + stage.count);
  const currency = [...byCurrency].sort((a, b) => b[1] - a[1])[0]?.[0];
  const totalOf = (stage) => stage.totals.find((t) => t.currencyCode === currency)?.amountMicros ?? 0n;
  const max = board.stages.reduce((m, s) => (totalOf(s) > m ? totalOf(s) : m), 1n);
  $('chart').replaceChildren(
    ...board.stages.map((stage) => {
      const row = el('div', 'bar-row');
      const track = el('div', 'bar-track');
      const bar = el('div', 'bar');
      bar.style.width = `${Number((totalOf(stage) * 1000n) / max) / 10}%`;
      if (stage.color) bar.style.background = cssColor(stage.color);
      track.append(bar);
      row.append(el('span', '', stage.label), track, el('span', 'bar-value', currency === undefined ? '' : money(totalOf(stage), currency)));
      return row;
    }),
  );
  const count = board.stages.reduce((n, s) => n + s.count, 0);
  $('summary').textContent = `${count} deals · updated ${new Date().toLocaleTimeString()}`;
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
  follow();
});
$('forget').addEventListener('click', () => {
  sessionStorage.removeItem(KEY_STORE);
  location.reload();
});

if (needsKey && !key) askForKey(null);
else {
  $('forget').hidden = !key;
  follow();
}
