// #/merchant/import: a Mercari or thredUP sales-history file, uploaded to POST /v1/pricing/import, which reads
// it with the rules `pakka pricing import` uses (domain/pricing/importers.py) and applies its sales like a
// batch of events. The screen shows that the import is running, then the counts the server answers with: rows
// read, sales imported, already there (a file sent again adds nothing), rows skipped and why, and sales kept
// as dead letters.

import { errorText, field, useStyles } from './merchant-common.js';

const FORMATS = ['mercari', 'thredup'];
// The route's request-size limit (api/routes/pricing_import.py IMPORT_BODY_MAX_BYTES), less room for the form
// around the file: a larger file is refused here rather than uploaded only to be refused.
const MAX_FILE_BYTES = 2 * 1024 * 1024 - 4 * 1024;
// Skip reasons the server words in English (importers.py), shown in the reader's language.
const REASON_KEYS = {
  'price is not a number': 'r_price_nan',
  'price is zero or negative': 'r_price_zero',
  'unknown item_condition_id': 'r_condition',
};
// Refusals of the whole file (api/routes/pricing_import.py), in the reader's language.
const REFUSAL_KEYS = {
  EMPTY_SALES_FILE: 'e_empty',
  SALES_FILE_NOT_UTF8: 'e_not_utf8',
  PAYLOAD_TOO_LARGE: 'e_too_large',
};

export const strings = {
  en: {
    title: 'Import sales history',
    intro: 'Load your past sales so price suggestions learn from them. Each row becomes a listing and its sale.',
    f_format: 'File format',
    fmt_mercari: 'Mercari (train_id, name, item_condition_id, category_name, brand_name, price…)',
    fmt_thredup: 'thredUP (id, title, brand, category, category_tags, gender, price…)',
    f_file: 'Sales file (CSV or TSV)',
    h_file: 'The first line names the columns: tabs for Mercari, commas for thredUP. UTF-8 text, at most 2 MB.',
    start: 'Import',
    progress_label: 'Rows processed',
    progress_text: '{done} of {total} rows',
    uploading: 'Sending {name} and importing it…',
    done: 'Import done.',
    no_file: 'Choose a file first.',
    summary: 'Summary',
    s_read: 'Rows read',
    s_imported: 'Sales imported',
    s_already: 'Already in your history',
    s_skipped: 'Rows skipped',
    s_dead_lettered: 'Sales kept as dead letters',
    see_dead_letters: 'See the dead letters',
    reasons: 'Why rows were skipped',
    reason_count: '{reason}: {count}',
    r_price_nan: 'price is not a number',
    r_price_zero: 'price is zero or negative',
    r_condition: 'unknown item_condition_id',
    e_empty: 'The file has no rows to import.',
    e_not_utf8: 'The file is not UTF-8 text. Save it as CSV or TSV in UTF-8 and try again.',
    e_wrong_format: 'This is not a {format} file: missing columns {columns}.',
    e_too_large: 'The file is larger than 2 MB. Split it into smaller files and import each one.',
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
    h_file: 'पहली पंक्ति में कॉलम के नाम हों: Mercari के लिए टैब, thredUP के लिए कॉमा। UTF-8 टेक्स्ट, अधिकतम 2 MB।',
    start: 'आयात करें',
    progress_label: 'संसाधित पंक्तियाँ',
    progress_text: '{total} में से {done} पंक्तियाँ',
    uploading: '{name} भेजी जा रही है और आयात हो रहा है…',
    done: 'आयात पूरा हुआ।',
    no_file: 'पहले एक फ़ाइल चुनें।',
    summary: 'सारांश',
    s_read: 'पढ़ी गई पंक्तियाँ',
    s_imported: 'आयात हुई बिक्री',
    s_already: 'पहले से आपके इतिहास में',
    s_skipped: 'छोड़ी गई पंक्तियाँ',
    s_dead_lettered: 'अटके संदेशों में रखी गई बिक्री',
    see_dead_letters: 'अटके संदेश देखें',
    reasons: 'पंक्तियाँ क्यों छोड़ी गईं',
    reason_count: '{reason}: {count}',
    r_price_nan: 'कीमत संख्या नहीं है',
    r_price_zero: 'कीमत शून्य या कम है',
    r_condition: 'item_condition_id पहचाना नहीं गया',
    e_empty: 'फ़ाइल में आयात करने लायक कोई पंक्ति नहीं है।',
    e_not_utf8: 'फ़ाइल UTF-8 टेक्स्ट नहीं है। इसे UTF-8 में CSV या TSV के रूप में सहेजें और फिर से कोशिश करें।',
    e_wrong_format: 'यह {format} फ़ाइल नहीं है: ये कॉलम नहीं हैं: {columns}।',
    e_too_large: 'फ़ाइल 2 MB से बड़ी है। इसे छोटी फ़ाइलों में बाँटें और हर एक का आयात करें।',
    error_generic: 'कुछ गड़बड़ हुई। कृपया फिर से कोशिश करें।',
    cancelled: 'रोक दिया गया।',
  },
};

/** Words for a refused import: the file's refusals in the reader's language, anything else as usual. */
function refusalText(app, error, format) {
  const columns = error.details?.missing_columns;
  if (error.code === 'WRONG_SALES_FORMAT' && Array.isArray(columns)) {
    return app.t('e_wrong_format', { format, columns: columns.join(', ') });
  }
  return REFUSAL_KEYS[error.code] ? app.t(REFUSAL_KEYS[error.code]) : errorText(app, error);
}

export async function render(root, app) {
  useStyles('merchant.css');
  const el = app.el;
  const format = el('select', { name: 'format' },
    ...FORMATS.map((value) => el('option', { value, text: app.t(`fmt_${value}`) })));
  const file = el('input', { type: 'file', name: 'file', accept: '.csv,.tsv,.txt,text/csv,text/tab-separated-values' });
  const start = el('button', { type: 'submit', class: 'primary', text: app.t('start') });
  const bar = el('progress', { id: 'import-progress', max: '1' });
  const barText = el('span', { class: 'progress-text', 'aria-hidden': 'true' });
  const progressRow = el('div', { class: 'progress-row', hidden: true },
    el('label', { for: 'import-progress', text: app.t('progress_label') }), bar, barText);
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const summary = el('section', { class: 'card', 'aria-labelledby': 'import-summary', hidden: true });

  const form = el('form', { class: 'card merchant-form', novalidate: true },
    field(app, 'import-format', 'f_format', format),
    field(app, 'import-file', 'f_file', file, 'h_file'),
    el('div', { class: 'actions' }, start),
    progressRow,
    status);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    if (!chosen) return void (status.textContent = app.t('no_file'));
    summary.hidden = true;
    if (chosen.size > MAX_FILE_BYTES) return void (status.textContent = app.t('e_too_large'));
    const body = new FormData();
    body.append('file', chosen, chosen.name);
    // The server reads and stores the whole file in one request: the bar runs (indeterminate) until it answers.
    bar.removeAttribute('value');
    bar.removeAttribute('aria-valuetext');
    barText.textContent = '';
    progressRow.hidden = false;
    progressRow.dataset.state = 'running';
    form.setAttribute('aria-busy', 'true');
    start.disabled = true;
    status.textContent = app.t('uploading', { name: chosen.name });
    try {
      const report = await app.api(`/v1/pricing/import?format=${encodeURIComponent(format.value)}`,
        { form: body, signal: app.signal });
      bar.max = Math.max(report.read, 1);
      bar.value = report.read;
      barText.textContent = app.t('progress_text', { done: report.read, total: report.read });
      bar.setAttribute('aria-valuetext', barText.textContent);
      progressRow.dataset.state = 'done';
      status.textContent = app.t('done');
      showSummary(app, summary, report);
    } catch (error) {
      if (error.name === 'AbortError') return; // the screen was left
      progressRow.hidden = true;
      progressRow.dataset.state = 'failed';
      status.textContent = refusalText(app, error, format.value);
    } finally {
      start.disabled = false;
      form.removeAttribute('aria-busy');
    }
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
    ['s_skipped', report.skipped], ['s_dead_lettered', report.dead_lettered]];
  const parts = [
    el('h2', { id: 'import-summary', text: app.t('summary') }),
    el('dl', { class: 'summary-list' }, ...pairs.flatMap(([key, value]) => [
      el('dt', { text: app.t(key) }), el('dd', { 'data-key': key, text: String(value ?? 0) })])),
  ];
  if (report.dead_lettered) {
    parts.push(el('p', {}, el('a', { href: '#/merchant/dead-letters', text: app.t('see_dead_letters') })));
  }
  const reasons = Object.entries(report.reasons || {});
  if (reasons.length) {
    parts.push(el('h3', { text: app.t('reasons') }), el('ul', {}, ...reasons.map(([reason, count]) =>
      el('li', { text: app.t('reason_count', { reason: REASON_KEYS[reason] ? app.t(REASON_KEYS[reason]) : reason, count }) }))));
  }
  section.replaceChildren(...parts);
  section.hidden = false;
}
