// #/merchant/import: a Mercari or thredUP sales-history file -> product.listed + product.sold events, sent to
// POST /v1/pricing/events in batches with a progress bar and a summary.
//
// The API has no file-upload route, so the rows are read here with the rules `pakka pricing import` uses
// (domain/pricing/importers.py): the same listing ids (mercari-<train_id>, thredup-<id>), event ids
// (import-<listing>-listed/-sold), field mapping and synthetic but deterministic times (a SHA-256 of the
// listing id places the sale within the 365 days before 2025-01-01 UTC and the listing 1 to 30 days before
// it), so a file loaded here and by the command line gives the same history.

import { errorText, field, useStyles } from './merchant-common.js';

const ROWS_PER_BATCH = 100; // two events a row; the route takes up to 500 events
const BATCH_MAX_CHARS = 700_000; // under the API's 1 MiB body limit
const ANCHOR_MS = Date.UTC(2025, 0, 1);
const SPREAD_MINUTES = 365n * 24n * 60n;
const MAX_DAYS_LISTED = 30n;
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const MERCARI_CONDITIONS = { 1: 'new', 2: 'like_new', 3: 'good', 4: 'fair', 5: 'poor' };
const FORMATS = {
  mercari: {
    columns: ['train_id', 'name', 'item_condition_id', 'category_name', 'brand_name', 'price'],
    sale: mercariSale,
  },
  thredup: {
    columns: ['id', 'title', 'brand', 'category', 'category_tags', 'gender', 'price'],
    sale: thredupSale,
  },
};

export const strings = {
  en: {
    title: 'Import sales history',
    intro: 'Load your past sales so price suggestions learn from them. Each row becomes a listing and its sale.',
    f_format: 'File format',
    fmt_mercari: 'Mercari (train_id, name, item_condition_id, category_name, brand_name, price…)',
    fmt_thredup: 'thredUP (id, title, brand, category, category_tags, gender, price…)',
    f_file: 'Sales file (CSV or TSV)',
    h_file: 'The first line names the columns. Tabs or commas both work.',
    start: 'Import',
    cancel: 'Stop',
    progress_label: 'Rows sent',
    progress_text: '{done} of {total} rows',
    reading: 'Reading the file…',
    sending: 'Sending rows {from} to {to}…',
    done: 'Import done.',
    stopped: 'Import stopped after {done} of {total} rows.',
    no_file: 'Choose a file first.',
    insecure: 'Importing needs a secure page: open this app over https or on localhost, then try again.',
    no_rows: 'The file has no rows to import.',
    missing_columns: 'This is not a {format} file: missing columns {columns}.',
    summary: 'Summary',
    s_read: 'Rows read',
    s_imported: 'Sales imported',
    s_already: 'Already in your history',
    s_skipped: 'Rows skipped',
    s_failed: 'Rows the server refused',
    reasons: 'Why rows were skipped or refused',
    reason_count: '{reason}: {count}',
    r_price_nan: 'price is not a number',
    r_price_zero: 'price is zero or negative',
    r_condition: 'unknown item_condition_id',
    r_title: 'title is empty or too long',
    r_id: 'the row id cannot be a listing id',
    error_generic: 'Something went wrong. Please try again.',
    cancelled: 'Stopped.',
  },
  hi: {
    title: 'बिक्री इतिहास आयात करें',
    intro: 'अपनी पिछली बिक्री लोड करें ताकि कीमत के सुझाव उनसे सीखें। हर पंक्ति एक लिस्टिंग और उसकी बिक्री बनती है।',
    f_format: 'फ़ाइल का प्रारूप',
    fmt_mercari: 'Mercari (train_id, name, item_condition_id, category_name, brand_name, price…)',
    fmt_thredup: 'thredUP (id, title, brand, category, category_tags, gender, price…)',
    f_file: 'बिक्री फ़ाइल (CSV या TSV)',
    h_file: 'पहली पंक्ति में कॉलम के नाम हों। टैब या कॉमा, दोनों चलेंगे।',
    start: 'आयात करें',
    cancel: 'रोकें',
    progress_label: 'भेजी गई पंक्तियाँ',
    progress_text: '{total} में से {done} पंक्तियाँ',
    reading: 'फ़ाइल पढ़ी जा रही है…',
    sending: 'पंक्तियाँ {from} से {to} भेजी जा रही हैं…',
    done: 'आयात पूरा हुआ।',
    stopped: '{total} में से {done} पंक्तियों के बाद आयात रोका गया।',
    no_file: 'पहले एक फ़ाइल चुनें।',
    insecure: 'आयात के लिए सुरक्षित पेज चाहिए: यह ऐप https पर या localhost पर खोलें, फिर से कोशिश करें।',
    no_rows: 'फ़ाइल में आयात करने लायक कोई पंक्ति नहीं है।',
    missing_columns: 'यह {format} फ़ाइल नहीं है: ये कॉलम नहीं हैं: {columns}।',
    summary: 'सारांश',
    s_read: 'पढ़ी गई पंक्तियाँ',
    s_imported: 'आयात हुई बिक्री',
    s_already: 'पहले से आपके इतिहास में',
    s_skipped: 'छोड़ी गई पंक्तियाँ',
    s_failed: 'सर्वर ने मना की पंक्तियाँ',
    reasons: 'पंक्तियाँ क्यों छोड़ी या मना की गईं',
    reason_count: '{reason}: {count}',
    r_price_nan: 'कीमत संख्या नहीं है',
    r_price_zero: 'कीमत शून्य या कम है',
    r_condition: 'item_condition_id पहचाना नहीं गया',
    r_title: 'शीर्षक खाली है या बहुत लंबा',
    r_id: 'पंक्ति की id लिस्टिंग id नहीं बन सकती',
    error_generic: 'कुछ गड़बड़ हुई। कृपया फिर से कोशिश करें।',
    cancelled: 'रोक दिया गया।',
  },
};

class RowSkipped extends Error {}

/** Rows of a delimited text (quotes as Python's csv module reads them), the delimiter guessed from line 1. */
export function parseDelimited(text) {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = firstLine.includes('\t') ? '\t' : ',';
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') { cell += '"'; i += 1; }
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === delimiter) { row.push(cell); cell = ''; }
    else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows.filter((cells) => cells.some((value) => value.trim() !== ''));
}

function price(text) {
  const value = Number(String(text).trim());
  if (String(text).trim() === '' || !Number.isFinite(value)) throw new RowSkipped('r_price_nan');
  const rounded = Math.round(value * 100) / 100;
  if (rounded <= 0) throw new RowSkipped('r_price_zero');
  return rounded;
}

function listing(id, fields) {
  if (!ID_PATTERN.test(id) || id.length > 110) throw new RowSkipped('r_id');
  if (!fields.title || fields.title.length > 500) throw new RowSkipped('r_title');
  return { listingId: id, product: { ...fields, description: fields.description.slice(0, 20000) } };
}

function mercariSale(row) {
  const condition = MERCARI_CONDITIONS[(row.item_condition_id || '').trim()];
  if (!condition) throw new RowSkipped('r_condition');
  const description = (row.item_description || '').trim();
  return listing(`mercari-${row.train_id.trim()}`, {
    title: row.name.trim(),
    description: description === 'No description yet' ? '' : description,
    category: row.category_name.trim() || 'uncategorised',
    brand: row.brand_name.trim().slice(0, 120) || null,
    condition,
    price: price(row.price),
    currency: 'USD',
  });
}

function thredupSale(row) {
  const tags = row.category_tags.split('|').filter((tag) => tag.trim());
  const category = [row.gender, tags.length ? tags[tags.length - 1] : '', row.category]
    .filter((part) => part.trim()).join('/');
  const details = [row.size_label || '', (row.colors || '').replaceAll('|', ', '), (row.materials || '').replaceAll('|', ', ')];
  const msrp = (row.msrp || '').trim();
  if (msrp) details.push(`Retail $${msrp}`);
  const nwt = (row.new_with_tags || '').trim().toLowerCase() === 'true';
  return listing(`thredup-${row.id.trim()}`, {
    title: row.title.trim(),
    description: details.map((detail) => detail.trim()).filter(Boolean).join('. '),
    category: category || 'uncategorised',
    brand: row.brand.trim().slice(0, 120) || null,
    condition: nwt ? 'new' : 'good',
    price: price(row.price),
    currency: 'USD',
  });
}

/** [listedAt, soldAt] from the listing id alone, as importers.synthetic_times computes them. Needs
 * crypto.subtle (a secure context: https or localhost); the form refuses to import without it, since any
 * other digest would give times that differ from `pakka pricing import`. */
async function syntheticTimes(listingId) {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(listingId)));
  const digest = bytes.slice(0, 8).reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
  const soldAt = ANCHOR_MS - Number(digest % SPREAD_MINUTES) * 60_000;
  const daysListed = 1n + ((digest / SPREAD_MINUTES) % MAX_DAYS_LISTED);
  return [new Date(soldAt - Number(daysListed) * 86_400_000), new Date(soldAt)];
}

async function saleEvents(sale) {
  const [listedAt, soldAt] = await syntheticTimes(sale.listingId);
  const common = { schema_version: 1, listing_id: sale.listingId, product: sale.product };
  return [
    { ...common, event_id: `import-${sale.listingId}-listed`, type: 'product.listed', occurred_at: listedAt.toISOString() },
    { ...common, event_id: `import-${sale.listingId}-sold`, type: 'product.sold', occurred_at: soldAt.toISOString() },
  ];
}

/** The file's rows as sales; the skipped ones counted by reason in `report`. */
export function readSales(text, format, report) {
  const [header, ...rows] = parseDelimited(text);
  const columns = (header || []).map((name) => name.trim());
  const missing = FORMATS[format].columns.filter((name) => !columns.includes(name));
  if (missing.length) return { missing };
  const sales = [];
  for (const cells of rows) {
    report.read += 1;
    const row = Object.fromEntries(columns.map((name, index) => [name, cells[index] ?? '']));
    try {
      sales.push(FORMATS[format].sale(row));
    } catch (error) {
      if (!(error instanceof RowSkipped)) throw error;
      report.skipped += 1;
      report.reasons[error.message] = (report.reasons[error.message] || 0) + 1;
    }
  }
  return { sales };
}

/** Batches of whole rows (both events of a sale in the same batch) within the route's limits. */
function batches(events) {
  const out = [];
  let current = [];
  let chars = 0;
  for (let index = 0; index < events.length; index += 2) {
    const pair = events.slice(index, index + 2);
    const size = JSON.stringify(pair).length;
    if (current.length && (current.length >= 2 * ROWS_PER_BATCH || chars + size > BATCH_MAX_CHARS)) {
      out.push(current);
      current = [];
      chars = 0;
    }
    current.push(...pair);
    chars += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** Send one batch; a batch the schema refuses (422 naming its bad events) is sent again without their rows. */
async function sendBatch(app, batch, signal, report) {
  let events = batch;
  let answer;
  try {
    answer = await app.api('/v1/pricing/events', { json: events, signal });
  } catch (error) {
    const invalid = error.status === 422 && error.details?.events;
    if (!invalid) throw error;
    const badRows = new Set(invalid.map((item) => Math.floor(item.index / 2)));
    for (const row of badRows) {
      report.failed += 1;
      const first = invalid.find((item) => Math.floor(item.index / 2) === row);
      const reason = first?.reasons?.[0] ? `${first.reasons[0].field}: ${first.reasons[0].reason}` : error.message;
      report.reasons[reason] = (report.reasons[reason] || 0) + 1;
    }
    events = events.filter((_, index) => !badRows.has(Math.floor(index / 2)));
    if (!events.length) return;
    answer = await app.api('/v1/pricing/events', { json: events, signal });
  }
  const results = answer.results || [];
  for (let index = 0; index < results.length; index += 2) {
    const [listed, sold] = [results[index], results[index + 1]];
    const errors = [listed?.error, sold?.error].filter(Boolean);
    if (sold?.outcome && !sold.outcome.duplicate) report.imported += 1;
    else if (sold?.outcome?.duplicate || errors.every((error) => error.code === 'EVENT_OUT_OF_ORDER')) report.already += 1;
    else {
      report.failed += 1;
      const reason = errors[0]?.message || 'refused';
      report.reasons[reason] = (report.reasons[reason] || 0) + 1;
    }
  }
}

export async function render(root, app) {
  useStyles('merchant.css');
  const el = app.el;
  const format = el('select', { name: 'format' },
    ...Object.keys(FORMATS).map((value) => el('option', { value, text: app.t(`fmt_${value}`) })));
  const file = el('input', { type: 'file', name: 'file', accept: '.csv,.tsv,.txt,text/csv,text/tab-separated-values' });
  const start = el('button', { type: 'submit', class: 'primary', text: app.t('start') });
  const cancel = el('button', { type: 'button', text: app.t('cancel'), hidden: true });
  const bar = el('progress', { id: 'import-progress', max: '1', value: '0' });
  const barText = el('span', { class: 'progress-text', 'aria-hidden': 'true' });
  const progressRow = el('div', { class: 'progress-row', hidden: true },
    el('label', { for: 'import-progress', text: app.t('progress_label') }), bar, barText);
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const summary = el('section', { class: 'card', 'aria-labelledby': 'import-summary', hidden: true });
  let controller = null;

  const form = el('form', { class: 'card merchant-form', novalidate: true },
    field(app, 'import-format', 'f_format', format),
    field(app, 'import-file', 'f_file', file, 'h_file'),
    el('div', { class: 'actions' }, start, cancel),
    progressRow,
    status);

  cancel.addEventListener('click', () => controller?.abort());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return void (status.textContent = app.t('no_file'));
    // Synthetic sale times need SHA-256 from crypto.subtle, which plain http (off localhost) lacks.
    if (!globalThis.crypto?.subtle) return void (status.textContent = app.t('insecure'));
    const report = { read: 0, imported: 0, already: 0, skipped: 0, failed: 0, reasons: {} };
    summary.hidden = true;
    status.textContent = app.t('reading');
    const { sales, missing } = readSales(await chosen.text(), format.value, report);
    if (missing) {
      status.textContent = app.t('missing_columns', { format: format.value, columns: missing.join(', ') });
      return;
    }
    if (!sales.length) {
      status.textContent = app.t('no_rows');
      showSummary(app, summary, report);
      return;
    }
    const events = (await Promise.all(sales.map(saleEvents))).flat();
    const total = sales.length;
    let done = 0;
    const show = () => {
      bar.max = total;
      bar.value = done;
      barText.textContent = app.t('progress_text', { done, total });
      bar.setAttribute('aria-valuetext', barText.textContent);
    };
    controller = new AbortController();
    const stopOnLeave = () => controller.abort();
    app.signal.addEventListener('abort', stopOnLeave);
    start.disabled = true;
    cancel.hidden = false;
    progressRow.hidden = false;
    form.setAttribute('aria-busy', 'true');
    progressRow.dataset.state = 'running';
    show();
    try {
      for (const batch of batches(events)) {
        status.textContent = app.t('sending', { from: done + 1, to: done + batch.length / 2 });
        await sendBatch(app, batch, controller.signal, report);
        done += batch.length / 2;
        show();
      }
      status.textContent = app.t('done');
      progressRow.dataset.state = 'done';
    } catch (error) {
      progressRow.dataset.state = 'stopped';
      status.textContent = error.name === 'AbortError'
        ? app.t('stopped', { done, total }) : errorText(app, error);
    } finally {
      app.signal.removeEventListener('abort', stopOnLeave);
      start.disabled = false;
      cancel.hidden = true;
      form.removeAttribute('aria-busy');
    }
    showSummary(app, summary, report);
  });

  root.replaceChildren(el('div', { class: 'merchant-screen' },
    el('h1', { text: app.t('title') }),
    el('p', { class: 'lead', text: app.t('intro') }),
    form,
    summary));
}

function showSummary(app, section, report) {
  const el = app.el;
  const pairs = [['s_read', report.read], ['s_imported', report.imported], ['s_already', report.already],
    ['s_skipped', report.skipped], ['s_failed', report.failed]];
  const parts = [
    el('h2', { id: 'import-summary', text: app.t('summary') }),
    el('dl', { class: 'summary-list' }, ...pairs.flatMap(([key, value]) => [
      el('dt', { text: app.t(key) }), el('dd', { 'data-key': key, text: String(value) })])),
  ];
  const reasons = Object.entries(report.reasons);
  if (reasons.length) {
    parts.push(el('h3', { text: app.t('reasons') }), el('ul', {}, ...reasons.map(([reason, count]) =>
      el('li', { text: app.t('reason_count', { reason: reason.startsWith('r_') ? app.t(reason) : reason, count }) }))));
  }
  section.replaceChildren(...parts);
  section.hidden = false;
}
