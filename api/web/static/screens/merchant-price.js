// #/merchant/price: a listing (text + photos) -> POST /v1/pricing/suggest/stream -> the suggested price, its
// range and confidence, why, and a chart of the comparable sales it rests on.

import { errorText, field, fileAsBase64, svg, useStyles, when } from './merchant-common.js';

const MAX_PHOTOS = 6;
const MAX_PHOTO_BYTES = 3 * 1024 * 1024;
const CONDITIONS = ['new', 'like_new', 'good', 'fair', 'poor'];
const CURRENCIES = ['INR', 'USD'];
const STEPS = ['identify', 'comparables', 'assess', 'estimate', 'analyst', 'validate', 'explain'];
const CATEGORY_EXAMPLES = [
  'women/kurtas', 'women/sarees', 'men/jeans', 'men/shirts', 'men/ethnic', 'men/shoes/sneakers',
  'women/bags/handbags', 'accessories/watches', 'electronics/phones', 'electronics/audio', 'home/kitchen',
];

export const strings = {
  en: {
    title: 'Price a listing',
    intro: 'Describe the item: pakka compares it with your shop\'s past sales and suggests a price.',
    f_title: 'Title',
    f_description: 'Description',
    f_category: 'Category',
    h_category: 'A path such as women/kurtas or men/shoes/sneakers.',
    f_brand: 'Brand (optional)',
    f_condition: 'Condition',
    c_new: 'New', c_like_new: 'Like new', c_good: 'Good', c_fair: 'Fair', c_poor: 'Poor',
    f_currency: 'Currency',
    cur_INR: 'Indian rupees (₹)', cur_USD: 'US dollars ($)',
    f_photos: 'Photos (optional, up to 6)',
    h_photos: 'JPEG, PNG or WebP, up to 3 MB each. They are used for this suggestion only and never stored.',
    too_many_photos: 'Choose at most 6 photos.',
    photo_too_big: 'A photo is larger than 3 MB: {name}',
    submit: 'Suggest a price',
    working: 'Working…',
    step_identify: 'Reading the listing',
    step_comparables: 'Finding comparable sales',
    step_assess: 'Weighing the comparables',
    step_estimate: 'Estimating the price',
    step_analyst: 'Checking the estimate',
    step_validate: 'Validating',
    step_explain: 'Writing the explanation',
    result_heading: 'Suggested price',
    range: 'Likely range: {low} to {high}',
    confidence: 'Confidence',
    confidence_value: '{value} out of 100',
    why: 'Why this price',
    adjustments: 'Adjustments',
    adjustment: '{kind}: × {factor}. {reason}',
    history: 'Sales history used',
    chart_heading: 'Comparable sales',
    chart_label: '{count} comparable sales from {min} to {max}; suggested price {price}, likely range {low} to {high}.',
    chart_none: 'No comparable sales in this currency yet: the price comes from the shop\'s price model alone.',
    legend_band: 'Likely range',
    legend_line: 'Suggested price',
    legend_mark: 'A comparable sale (larger: counts more)',
    table_summary: 'Comparable sales as a table',
    col_item: 'Item', col_price: 'Price', col_sold: 'Sold', col_similarity: 'Similarity', col_weight: 'Weight',
    percent: '{value}%',
    error_generic: 'Something went wrong. Please try again.',
    cancelled: 'Stopped.',
  },
  hi: {
    title: 'लिस्टिंग की कीमत तय करें',
    intro: 'सामान के बारे में बताइए: pakka इसे आपकी दुकान की पिछली बिक्री से मिलाकर कीमत सुझाता है।',
    f_title: 'शीर्षक',
    f_description: 'विवरण',
    f_category: 'श्रेणी',
    h_category: 'जैसे women/kurtas या men/shoes/sneakers।',
    f_brand: 'ब्रांड (वैकल्पिक)',
    f_condition: 'हालत',
    c_new: 'नया', c_like_new: 'लगभग नया', c_good: 'अच्छा', c_fair: 'ठीक-ठाक', c_poor: 'खराब',
    f_currency: 'मुद्रा',
    cur_INR: 'भारतीय रुपये (₹)', cur_USD: 'अमेरिकी डॉलर ($)',
    f_photos: 'फ़ोटो (वैकल्पिक, 6 तक)',
    h_photos: 'JPEG, PNG या WebP, हर एक 3 MB तक। ये सिर्फ़ इस सुझाव के लिए इस्तेमाल होती हैं, कभी सहेजी नहीं जातीं।',
    too_many_photos: 'ज़्यादा से ज़्यादा 6 फ़ोटो चुनें।',
    photo_too_big: 'एक फ़ोटो 3 MB से बड़ी है: {name}',
    submit: 'कीमत सुझाएँ',
    working: 'काम चल रहा है…',
    step_identify: 'लिस्टिंग पढ़ी जा रही है',
    step_comparables: 'मिलती-जुलती बिक्री खोजी जा रही है',
    step_assess: 'मिलती-जुलती बिक्री को तौला जा रहा है',
    step_estimate: 'कीमत का अनुमान',
    step_analyst: 'अनुमान की जाँच',
    step_validate: 'पुष्टि',
    step_explain: 'कारण लिखा जा रहा है',
    result_heading: 'सुझाई गई कीमत',
    range: 'संभावित दायरा: {low} से {high}',
    confidence: 'भरोसा',
    confidence_value: '100 में से {value}',
    why: 'यह कीमत क्यों',
    adjustments: 'बदलाव',
    adjustment: '{kind}: × {factor}। {reason}',
    history: 'किस बिक्री इतिहास पर आधारित',
    chart_heading: 'मिलती-जुलती बिक्री',
    chart_label: '{count} मिलती-जुलती बिक्री, {min} से {max} तक; सुझाई गई कीमत {price}, संभावित दायरा {low} से {high}।',
    chart_none: 'इस मुद्रा में अभी कोई मिलती-जुलती बिक्री नहीं: कीमत सिर्फ़ दुकान के मूल्य मॉडल से है।',
    legend_band: 'संभावित दायरा',
    legend_line: 'सुझाई गई कीमत',
    legend_mark: 'एक मिलती-जुलती बिक्री (बड़ा निशान: ज़्यादा असर)',
    table_summary: 'मिलती-जुलती बिक्री तालिका में',
    col_item: 'सामान', col_price: 'कीमत', col_sold: 'बिका', col_similarity: 'समानता', col_weight: 'असर',
    percent: '{value}%',
    error_generic: 'कुछ गड़बड़ हुई। कृपया फिर से कोशिश करें।',
    cancelled: 'रोक दिया गया।',
  },
};

export async function render(root, app) {
  useStyles('merchant.css');
  const signal = app.signal;
  const el = app.el;

  const title = el('input', { type: 'text', name: 'title', autocomplete: 'off', maxlength: '500' });
  title.required = true;
  const description = el('textarea', { name: 'description', rows: '3', maxlength: '20000' });
  const category = el('input', { type: 'text', name: 'category', list: 'price-categories', maxlength: '200' });
  category.required = true;
  const categories = el('datalist', { id: 'price-categories' },
    ...CATEGORY_EXAMPLES.map((value) => el('option', { value })));
  const brand = el('input', { type: 'text', name: 'brand', maxlength: '120' });
  const condition = el('select', { name: 'condition' },
    ...CONDITIONS.map((value) => el('option', { value, text: app.t(`c_${value}`) })));
  condition.value = 'like_new';
  const currency = el('select', { name: 'currency' },
    ...CURRENCIES.map((value) => el('option', { value, text: app.t(`cur_${value}`) })));
  const photos = el('input', { type: 'file', name: 'photos', accept: 'image/jpeg,image/png,image/webp' });
  photos.multiple = true;
  const submit = el('button', { type: 'submit', class: 'primary', text: app.t('submit') });
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const steps = el('ol', { class: 'steps', hidden: '' });
  const result = el('section', { class: 'price-result', 'aria-labelledby': 'price-result-heading', hidden: '' });

  const form = el('form', { class: 'card merchant-form', novalidate: '' },
    field(app, 'price-title', 'f_title', title),
    field(app, 'price-description', 'f_description', description),
    field(app, 'price-category', 'f_category', category, 'h_category'),
    categories,
    el('div', { class: 'row' },
      field(app, 'price-brand', 'f_brand', brand),
      field(app, 'price-condition', 'f_condition', condition),
      field(app, 'price-currency', 'f_currency', currency)),
    field(app, 'price-photos', 'f_photos', photos, 'h_photos'),
    el('div', { class: 'actions' }, submit),
    status,
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const files = [...photos.files];
    if (files.length > MAX_PHOTOS) return void (status.textContent = app.t('too_many_photos'));
    const large = files.find((file) => file.size > MAX_PHOTO_BYTES);
    if (large) return void (status.textContent = app.t('photo_too_big', { name: large.name }));
    let encoded;
    try {
      encoded = await Promise.all(files.map(fileAsBase64));
    } catch (error) {
      status.textContent = errorText(app, error);
      return;
    }
    const body = {
      title: title.value.trim(),
      description: description.value.trim(),
      category: category.value.trim(),
      brand: brand.value.trim() || null,
      condition: condition.value,
      currency: currency.value,
      photos: encoded,
    };
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    status.textContent = app.t('working');
    steps.replaceChildren();
    steps.hidden = false;
    result.hidden = true;
    let suggestion = null;
    let failure = null;
    try {
      await app.stream('/v1/pricing/suggest/stream', { json: body, signal }, (name, data) => {
        if (name === 'progress' && STEPS.includes(data.node)) {
          const text = app.t(`step_${data.node}`);
          steps.append(el('li', { text }));
          status.textContent = text;
        } else if (name === 'result') {
          suggestion = data;
        } else if (name === 'error') {
          failure = data;
        }
      });
    } catch (error) {
      failure = error;
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
    if (failure || !suggestion) {
      status.textContent = errorText(app, failure);
      return;
    }
    status.textContent = '';
    steps.hidden = true;
    showSuggestion(app, result, suggestion);
    result.hidden = false;
    result.querySelector('h2')?.focus();
  });

  root.replaceChildren(
    el('div', { class: 'merchant-screen' },
      el('h1', { text: app.t('title') }),
      el('p', { class: 'lead', text: app.t('intro') }),
      form,
      steps,
      result),
  );
}

/** The suggestion: price, range, confidence meter, why, and the comparables chart with its table. */
export function showSuggestion(app, section, suggestion) {
  const el = app.el;
  const money = (value) => app.money(value, suggestion.currency);
  const whole = (value) => (suggestion.currency === 'INR' ? Math.round(value) : Math.round(value * 100) / 100);
  const confidence = Math.round(100 * suggestion.confidence);
  const meter = el('meter', {
    id: 'price-confidence', min: '0', max: '100', low: '50', high: '75', optimum: '100', value: String(confidence),
  });
  const parts = [
    el('h2', { id: 'price-result-heading', tabindex: '-1', text: app.t('result_heading') }),
    el('p', { class: 'price-big', 'data-testid': 'suggested-price', text: money(suggestion.price) }),
    el('p', { text: app.t('range', { low: money(whole(suggestion.range.low)), high: money(whole(suggestion.range.high)) }) }),
    el('div', { class: 'confidence' },
      el('label', { for: 'price-confidence', text: app.t('confidence') }),
      meter,
      el('span', { text: app.t('confidence_value', { value: confidence }) })),
    el('h3', { text: app.t('why') }),
    el('p', { class: 'explanation', text: suggestion.explanation }),
  ];
  if (suggestion.adjustments?.length) {
    parts.push(el('details', {},
      el('summary', { text: app.t('adjustments') }),
      el('ul', {}, ...suggestion.adjustments.map((item) => el('li', {
        text: app.t('adjustment', { kind: item.kind, factor: item.factor.toFixed(2), reason: item.reason }),
      })))));
  }
  if (suggestion.history?.note) {
    parts.push(el('details', {},
      el('summary', { text: app.t('history') }),
      el('p', { text: suggestion.history.note })));
  }
  parts.push(el('h3', { id: 'chart-heading', text: app.t('chart_heading') }));
  parts.push(...comparablesChart(app, suggestion));
  section.replaceChildren(...parts);
}

/** An inline SVG dot plot: one mark per comparable sale (row by price), the likely range as a band and the
 * suggested price as a line; role="img" with a summary, and the same data as a table in a <details>. */
export function comparablesChart(app, suggestion) {
  const el = app.el;
  const money = (value) => app.money(value, suggestion.currency);
  const sales = [...(suggestion.comparables || [])].sort((a, b) => a.price - b.price);
  if (!sales.length) return [el('p', { class: 'chart-none', text: app.t('chart_none') })];

  const width = 400;
  const row = 14;
  const top = 8;
  const plotHeight = sales.length * row;
  const height = top + plotHeight + 34;
  const left = 12;
  const right = width - 12;
  const { low, high } = suggestion.range;
  let min = Math.min(low, suggestion.price, ...sales.map((sale) => sale.price));
  let max = Math.max(high, suggestion.price, ...sales.map((sale) => sale.price));
  const pad = (max - min) * 0.06 || Math.max(1, max * 0.1);
  min = Math.max(0, min - pad);
  max += pad;
  const x = (value) => left + ((value - min) / (max - min)) * (right - left);
  const maxWeight = Math.max(...sales.map((sale) => sale.weight), 1e-9);

  const summary = app.t('chart_label', {
    count: sales.length,
    min: money(sales[0].price),
    max: money(sales[sales.length - 1].price),
    price: money(suggestion.price),
    low: money(low),
    high: money(high),
  });
  const marks = sales.map((sale, index) => svg('circle', {
    class: 'chart-mark',
    cx: x(sale.price).toFixed(1),
    cy: (top + (index + 0.5) * row).toFixed(1),
    r: (2.5 + 3.5 * Math.sqrt(sale.weight / maxWeight)).toFixed(1),
  }, svg('title', {}, `${sale.title}: ${money(sale.price)}`)));
  const axisY = top + plotHeight + 4;
  const tick = (value, anchor, cls) => svg('text', {
    class: `chart-tick ${cls}`, x: x(value).toFixed(1), y: axisY + 22, 'text-anchor': anchor,
  }, money(value));
  const chart = svg('svg', {
    class: 'comparables-chart', viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': summary,
    preserveAspectRatio: 'xMidYMid meet',
  },
  svg('title', {}, summary),
  svg('rect', {
    class: 'chart-band', x: x(low).toFixed(1), y: top, width: Math.max(1, x(high) - x(low)).toFixed(1), height: plotHeight,
  }),
  ...sales.map((_, index) => svg('line', {
    class: 'chart-row', x1: left, x2: right, y1: (top + (index + 0.5) * row).toFixed(1), y2: (top + (index + 0.5) * row).toFixed(1),
  })),
  svg('line', {
    class: 'chart-price', x1: x(suggestion.price).toFixed(1), x2: x(suggestion.price).toFixed(1), y1: top - 4, y2: axisY + 6,
  }),
  ...marks,
  svg('line', { class: 'chart-axis', x1: left, x2: right, y1: axisY, y2: axisY }),
  tick(sales[0].price, 'start', 'tick-min'),
  tick(suggestion.price, 'middle', 'tick-price'),
  tick(sales[sales.length - 1].price, 'end', 'tick-max'));

  const legend = el('ul', { class: 'chart-legend' },
    el('li', {}, el('span', { class: 'swatch swatch-band', 'aria-hidden': 'true' }), app.t('legend_band')),
    el('li', {}, el('span', { class: 'swatch swatch-line', 'aria-hidden': 'true' }), app.t('legend_line')),
    el('li', {}, el('span', { class: 'swatch swatch-mark', 'aria-hidden': 'true' }), app.t('legend_mark')));
  const percent = (value) => app.t('percent', { value: Math.round(100 * value) });
  const table = el('table', { class: 'data-table' },
    el('caption', { class: 'visually-hidden', text: app.t('chart_heading') }),
    el('thead', {}, el('tr', {}, ...['col_item', 'col_price', 'col_sold', 'col_similarity', 'col_weight']
      .map((key) => el('th', { scope: 'col', text: app.t(key) })))),
    el('tbody', {}, ...sales.map((sale) => el('tr', {},
      el('th', { scope: 'row', text: sale.title }),
      el('td', { text: money(sale.price) }),
      el('td', { text: when(app, sale.sold_at) }),
      el('td', { text: percent(sale.similarity) }),
      el('td', { text: percent(sale.weight) })))));
  return [
    el('figure', { class: 'chart' }, chart, legend),
    el('details', { class: 'chart-table' }, el('summary', { text: app.t('table_summary') }),
      el('div', { class: 'table-wrap' }, table)),
  ];
}
