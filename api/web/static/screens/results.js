// Recommendations: 3-5 products with their size, a confidence meter (0-100) and its factors, the explanation and
// its sources, the price in INR; or the honest "no confident match" with what would help. The decision graph's
// run streams in (POST /v1/recommendations/stream): each step as it finishes, each explanation as it is written,
// then the result.

const CATEGORIES = ['footwear', 'apparel', 'skincare'];
const STEPS = ['scan', 'retrieve', 'candidates', 'score', 'filter', 'explain'];
const FACTORS = ['fit', 'attribute_similarity', 'metadata_quality', 'brand_reliability'];

/** A source's link when it is a web address (http, https, or a path on this site), else null: a `javascript:`
 * or `data:` URL from the knowledge base must never become a link. */
export function safeLink(url) {
  if (typeof url !== 'string' || !url) return null;
  try {
    const parsed = new URL(url, location.origin);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
    return parsed.origin === location.origin ? parsed.pathname + parsed.search + parsed.hash : parsed.href;
  } catch {
    return null;
  }
}

export const strings = {
  en: {
    title: 'For you',
    intro: 'Products we are confident will suit you, from your measurements.',
    category: 'Looking for', footwear: 'Footwear', apparel: 'Clothes', skincare: 'Skincare',
    budget: 'Budget (₹, optional)', region: 'Deliver to', anyRegion: 'Anywhere',
    gender: 'Show', anyGender: 'All', men: 'Men', women: 'Women',
    find: 'Find what fits', finding: 'Finding…',
    progress: 'Progress',
    step_scan: 'Reading your measurements', step_retrieve: 'Checking size charts and guides',
    step_candidates: 'Finding products in stock', step_score: 'Scoring fit', step_filter: 'Keeping the sure ones',
    step_explain: 'Writing why',
    explained: 'Written: why {name} suits you',
    found: '{count} products we are sure of',
    size: 'Size {size}',
    noSize: 'One size',
    confidence: 'Confidence',
    confidenceLabel: 'Confidence {value} out of 100',
    factors: 'What the confidence is made of',
    fit: 'Fit', attribute_similarity: 'Size match', metadata_quality: 'Listing quality', brand_reliability: 'Brand reliability',
    stock: 'Stock', inStock: 'In stock',
    why: 'Why this, and the sources',
    sources: 'Sources',
    order: 'Order in chat',
    orderMessage: 'add {product} in size {size} to my cart',
    orderMessageNoSize: 'add {product} to my cart',
    none: 'No confident match yet',
    noneIntro: 'We would rather say so than guess. What would help:',
    eliminated: '{count} products were left out: {reasons}.',
    scan: 'Scan now',
    fromScan: 'From the scan you just did.',
    fromStored: 'From the measurements in your profile.',
  },
  hi: {
    title: 'आपके लिए',
    intro: 'आपके माप के आधार पर वे प्रोडक्ट जिनके बारे में हमें पक्का भरोसा है।',
    category: 'क्या चाहिए', footwear: 'जूते-चप्पल', apparel: 'कपड़े', skincare: 'स्किनकेयर',
    budget: 'बजट (₹, वैकल्पिक)', region: 'कहाँ पहुँचाएँ', anyRegion: 'कहीं भी',
    gender: 'दिखाएँ', anyGender: 'सभी', men: 'पुरुष', women: 'महिला',
    find: 'फ़िट होने वाले ढूँढें', finding: 'ढूँढ रहे हैं…',
    progress: 'प्रगति',
    step_scan: 'आपके माप पढ़ रहे हैं', step_retrieve: 'साइज़ चार्ट और गाइड देख रहे हैं',
    step_candidates: 'स्टॉक में प्रोडक्ट ढूँढ रहे हैं', step_score: 'फ़िट का स्कोर', step_filter: 'पक्के वाले चुन रहे हैं',
    step_explain: 'कारण लिख रहे हैं',
    explained: 'लिखा गया: {name} आप पर क्यों जँचेगा',
    found: '{count} प्रोडक्ट जिन पर हमें भरोसा है',
    size: 'साइज़ {size}',
    noSize: 'एक साइज़',
    confidence: 'भरोसा',
    confidenceLabel: 'भरोसा 100 में से {value}',
    factors: 'भरोसा किन बातों से बना',
    fit: 'फ़िट', attribute_similarity: 'साइज़ मिलान', metadata_quality: 'लिस्टिंग की गुणवत्ता', brand_reliability: 'ब्रांड की विश्वसनीयता',
    stock: 'स्टॉक', inStock: 'स्टॉक में है',
    why: 'यह क्यों, और स्रोत',
    sources: 'स्रोत',
    order: 'बातचीत में ऑर्डर करें',
    orderMessage: '{product} साइज़ {size} मेरे कार्ट में डालो',
    orderMessageNoSize: '{product} मेरे कार्ट में डालो',
    none: 'अभी कोई पक्का मिलान नहीं',
    noneIntro: 'अंदाज़ा लगाने से बेहतर है सच बताना। इनसे मदद मिलेगी:',
    eliminated: '{count} प्रोडक्ट हटाए गए: {reasons}।',
    scan: 'अभी स्कैन करें',
    fromScan: 'अभी किए गए स्कैन से।',
    fromStored: 'आपकी प्रोफ़ाइल के माप से।',
  },
};

const SCAN_FOR = {footwear: 'foot', apparel: 'body', skincare: 'face'};

export async function render(root, app, params) {
  const el = app.el.bind(app);
  const t = app.t.bind(app);
  const category = CATEGORIES.includes(params.category) ? params.category : 'footwear';

  const select = (id, options, selected) => el('select', {id, name: id}, options.map(([value, label]) =>
    el('option', {value, text: label, selected: value === (selected || '')})));
  const categoryBox = select('category', CATEGORIES.map((name) => [name, t(name)]), category);
  const budgetBox = el('input', {id: 'budget', name: 'budget', type: 'number', min: '0', step: '100', inputmode: 'numeric',
    value: params.budget || ''});
  const regionBox = select('region', [['', t('anyRegion')], ...app.regions.map((region) => [region.slug, region.city])],
    params.region);
  const genderBox = select('gender', [['', t('anyGender')], ['men', t('men')], ['women', t('women')]], params.gender);
  const findButton = el('button', {type: 'submit', class: 'primary', text: t('find')});
  const steps = el('ol', {class: 'steps', 'aria-label': t('progress')});
  const live = el('p', {class: 'muted', role: 'status', 'aria-live': 'polite'});
  const output = el('div', {id: 'results'});
  const form = el('form', {'on:submit': (event) => {
    event.preventDefault();
    const query = new URLSearchParams({category: categoryBox.value});
    if (budgetBox.value) query.set('budget', budgetBox.value);
    if (regionBox.value) query.set('region', regionBox.value);
    if (genderBox.value) query.set('gender', genderBox.value);
    app.navigate(`#/results?${query}`);
  }},
  el('div', {class: 'filters'},
    el('div', {class: 'field'}, el('label', {for: 'category', text: t('category')}), categoryBox),
    el('div', {class: 'field'}, el('label', {for: 'budget', text: t('budget')}), budgetBox),
    el('div', {class: 'field'}, el('label', {for: 'region', text: t('region')}), regionBox),
    el('div', {class: 'field'}, el('label', {for: 'gender', text: t('gender')}), genderBox)),
  el('div', {class: 'actions'}, findButton));

  root.append(el('h1', {text: t('title')}), el('p', {text: t('intro')}), form, steps, live, output);

  const request = {category};
  if (params.budget && Number(params.budget) > 0) request.budget_inr = Number(params.budget);
  if (app.regions.some((region) => region.slug === params.region)) request.region = params.region;
  if (['men', 'women'].includes(params.gender)) request.gender = params.gender;

  const stepItems = Object.fromEntries(STEPS.map((name) => [name, el('li', {text: t(`step_${name}`)})]));
  steps.replaceChildren(...Object.values(stepItems));
  stepItems.scan.classList.add('active');
  findButton.disabled = true;
  findButton.textContent = t('finding');
  const written = el('ul', {class: 'steps', 'aria-label': t('step_explain')});
  output.replaceChildren(written);
  let failure = null;
  try {
    await app.stream('/v1/recommendations/stream', {json: request, signal: app.signal}, (event, data) => {
      if (event === 'progress' && stepItems[data.node] && !data.subgraph) {
        stepItems[data.node].classList.remove('active');
        stepItems[data.node].classList.add('done');
        const next = STEPS[STEPS.indexOf(data.node) + 1];
        if (next) stepItems[next].classList.add('active');
        live.textContent = t(`step_${data.node}`);
      } else if (event === 'explanation') {
        written.append(el('li', {class: 'done', text: t('explained', {name: data.product_id})}));
      } else if (event === 'result') {
        showResult(data);
      } else if (event === 'error') {
        failure = data.message;
      }
    });
  } catch (error) {
    if (error.name === 'AbortError') return;
    failure = error.message;
  } finally {
    findButton.disabled = false;
    findButton.textContent = t('find');
  }
  if (failure) output.append(el('p', {class: 'error', role: 'alert', text: t('genericError', {message: failure})}));

  function showResult(result) {
    steps.hidden = true;
    const items = result.recommendations || [];
    if (!items.length) {
      const reasons = Object.entries((result.eliminated && result.eliminated.reasons) || {})
        .map(([reason, count]) => `${reason.replace(/_/g, ' ').toLowerCase()} (${count})`).join(', ');
      output.replaceChildren(el('section', {class: 'card', 'aria-labelledby': 'none-title'},
        el('h2', {id: 'none-title', text: t('none')}),
        el('p', {text: t('noneIntro')}),
        el('ul', {}, (result.guidance || []).map((line) => el('li', {text: line}))),
        result.eliminated && result.eliminated.count ? el('p', {class: 'muted',
          text: t('eliminated', {count: result.eliminated.count, reasons})}) : null,
        el('div', {class: 'actions'}, el('a', {class: 'button primary', href: `#/scan?kind=${SCAN_FOR[category]}`,
          text: t('scan')}))));
      live.textContent = t('none');
      return;
    }
    live.textContent = t('found', {count: items.length});
    const source = result.attributes_source === 'scan' ? t('fromScan')
      : result.attributes_source === 'stored' ? t('fromStored') : null;
    output.replaceChildren(
      el('h2', {text: t('found', {count: items.length})}),
      source ? el('p', {class: 'muted', text: source}) : null,
      el('ol', {class: 'cards', style: {listStyle: 'none', padding: '0'}}, items.map((item, index) => card(item, index))));
  }

  function card(item, index) {
    const percent = Math.round(item.confidence * 100);
    const id = `rec-${index}`;
    const factors = el('dl', {class: 'factors'});
    for (const name of FACTORS) {
      factors.append(el('dt', {text: t(name)}), el('dd', {text: String(Math.round(item.factors[name] * 100))}));
    }
    factors.append(el('dt', {text: t('stock')}), el('dd', {text: t('inStock')}));
    const sources = (item.sources && item.sources.length ? item.sources : (item.citations || []).map((id) => ({id, title: id})));
    const message = item.size ? t('orderMessage', {product: item.product_id, size: item.size})
      : t('orderMessageNoSize', {product: item.product_id});
    return el('li', {class: 'card recommendation', 'aria-labelledby': `${id}-name`},
      el('h3', {id: `${id}-name`, text: item.name}),
      el('p', {class: 'muted', text: item.brand}),
      el('p', {}, el('span', {class: 'price', text: app.money(item.price_inr)}), ' · ',
        el('span', {class: 'badge', text: item.size ? t('size', {size: item.size}) : t('noSize')})),
      el('div', {class: 'confidence'},
        el('span', {id: `${id}-conf`, text: t('confidence')}),
        el('meter', {min: '0', max: '100', low: '60', high: '80', optimum: '100', value: String(percent),
          'aria-labelledby': `${id}-conf`, 'aria-valuetext': t('confidenceLabel', {value: percent}),
          title: t('confidenceLabel', {value: percent})}),
        el('strong', {text: String(percent)})),
      el('details', {},
        el('summary', {text: t('factors')}),
        factors),
      el('details', {},
        el('summary', {text: t('why')}),
        el('p', {text: item.explanation}),
        el('h4', {text: t('sources')}),
        el('ul', {}, sources.map((entry) => {
          const href = safeLink(entry.url);
          return el('li', {}, href
            ? el('a', {href, rel: 'noopener noreferrer', target: '_blank', text: entry.title})
            : el('span', {text: entry.title}), el('span', {class: 'muted', text: ` [${entry.id}]`}));
        }))),
      el('div', {class: 'actions'},
        el('a', {class: 'button', href: `#/chat?message=${encodeURIComponent(message)}`, text: t('order')})));
  }
}
