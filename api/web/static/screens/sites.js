// #/sites: the site wizard. A business describes itself -> POST /v1/sites (auto-approve off) -> live progress
// (GET /v1/sites/{id} while the run goes on in the background) -> the review of the proposed spec with
// editable fields, answered through POST /v1/threads/{thread}/resume/stream (its progress events shown as
// they come) -> a preview of the draft at phone and desktop widths -> POST /v1/sites/{id}/publish -> the
// live store's link. `#/sites?site=<id>` reopens a site at whatever stage it is.
//
// The preview frames the draft's pages from /sites/<id>/ (they allow framing by this origin only,
// `frame-ancestors 'self'`, api/routes/sites.py) in a sandboxed frame that runs no scripts.

import { errorText, field, useStyles, when } from './merchant-common.js';

const POLL_MS = 1000;
const SECTORS = ['grocery', 'restaurant', 'bakery', 'clinic', 'pharmacy', 'fashion', 'footwear', 'beauty',
  'electronics', 'handicrafts', 'home', 'education', 'other'];
const STEPS = ['detect_sector', 'spec', 'review', 'pages', 'images', 'assemble', 'validate', 'save_draft'];
const LANGUAGES = ['en', 'hi', 'hinglish'];
const REVIEW_ACTION = 'review_site';
const SECTOR_ACTION = 'choose_sector';

export const strings = {
  en: {
    title: 'Site wizard',
    intro: 'Describe your business in a few lines: pakka proposes a store website, you check and edit it, then publish it as a shop customers can order from.',
    describe_heading: 'Your business',
    f_description: 'Describe your business',
    h_description: 'What you sell, where, delivery, how customers pay. For example: Sharma Kirana, fresh vegetables and daily groceries in Indore, home delivery in 2 hours, UPI and cash.',
    f_language: 'Language of the site',
    lang_en: 'English', lang_hi: 'Hindi', lang_hinglish: 'Hinglish',
    f_name: 'Business name (optional)',
    f_city: 'City (optional)',
    start: 'Make my site',
    description_short: 'Please write at least 10 characters about your business.',
    progress_heading: 'Making your site',
    step_detect_sector: 'Understanding your business',
    step_spec: 'Planning the site',
    step_review: 'Your review',
    step_pages: 'Writing the pages',
    step_images: 'Drawing the images',
    step_assemble: 'Putting it together',
    step_validate: 'Checking quality and accessibility',
    step_save_draft: 'Saving the draft',
    step_done: '{step}: done',
    step_now: '{step}: in progress',
    step_todo: '{step}: to do',
    sector_found: 'Looks like a {sector} business ({percent}% sure).',
    review_heading: 'Check your site\'s details',
    review_intro: 'Change anything that is not right, then build the pages.',
    f_business_name: 'Business name',
    f_tagline: 'Tagline',
    f_sector: 'Kind of business',
    h_sector: 'Changing it makes a new plan for that kind of business; you can then edit the other details.',
    f_hours: 'Opening hours',
    f_delivery_time: 'Delivery time',
    f_delivery_areas: 'Delivery areas',
    h_delivery_areas: 'Separate areas with commas.',
    products_legend: 'Products',
    f_product_name: 'Product {n} name',
    f_product_price: 'Product {n} price in ₹',
    build: 'Build the pages',
    replan: 'Make a new plan',
    reject_heading: 'Not what you wanted?',
    f_note: 'Tell pakka what to change',
    h_note: 'For example: call it Sharma Fresh, and make it orange.',
    reject: 'Make a new plan with this note',
    note_needed: 'Write a note first.',
    sector_heading: 'Which kind of business is it?',
    sector_intro: 'pakka is not sure. Pick the closest one.',
    confirm_sector: 'Continue',
    sector_legend: 'Kind of business',
    building: 'Building your pages…',
    draft_heading: 'Preview your site',
    checks_passed: 'All quality and accessibility checks passed.',
    checks_failed: '{count} problems are left after the checks: you can still publish, or make a new site.',
    f_page: 'Page',
    preview_region: 'Site preview (scrolls sideways at desktop width)',
    width_group: 'Preview width',
    phone: 'Phone (390 px)',
    desktop: 'Desktop (1280 px)',
    frame_title: 'Preview of {name}, {page}',
    publish: 'Publish my store',
    publishing: 'Publishing…',
    published_heading: 'Your store is live',
    published: 'Published. Customers can now find your products and order.',
    open_store: 'Open your store',
    new_tab: '(opens in a new tab)',
    start_over: 'Make another site',
    failed: 'The site could not be made: {error}',
    review_forbidden: 'This sign-in cannot answer the review: it is open to the business owner\'s own (shopper) sign-in and to admins. Sign in as the owner to go on.',
    rejected: 'This proposal was turned down.',
    your_sites: 'Your sites',
    no_sites: 'No sites yet.',
    open: 'Open',
    open_named: 'Open {name}',
    untitled: 'Untitled site',
    site_status: '{status}, updated {when}',
    status_GENERATING: 'Being made',
    status_AWAITING_REVIEW: 'Waiting for your review',
    status_DRAFT: 'Draft ready',
    status_PUBLISHED: 'Published',
    status_FAILED: 'Failed',
    status_REJECTED: 'Turned down',
    sector_grocery: 'Grocery', sector_restaurant: 'Restaurant', sector_bakery: 'Bakery', sector_clinic: 'Clinic',
    sector_pharmacy: 'Pharmacy', sector_fashion: 'Fashion', sector_footwear: 'Footwear', sector_beauty: 'Beauty',
    sector_electronics: 'Electronics', sector_handicrafts: 'Handicrafts', sector_home: 'Home', sector_education: 'Education',
    sector_other: 'Other',
    error_generic: 'Something went wrong. Please try again.',
    cancelled: 'Stopped.',
  },
  hi: {
    title: 'साइट विज़ार्ड',
    intro: 'अपने कारोबार के बारे में कुछ पंक्तियाँ लिखें: pakka एक दुकान की वेबसाइट सुझाता है, आप उसे जाँचकर बदलते हैं, फिर उसे ऐसी दुकान के रूप में प्रकाशित करते हैं जहाँ से ग्राहक ऑर्डर कर सकें।',
    describe_heading: 'आपका कारोबार',
    f_description: 'अपने कारोबार के बारे में बताइए',
    h_description: 'आप क्या बेचते हैं, कहाँ, डिलीवरी, ग्राहक कैसे भुगतान करते हैं। जैसे: शर्मा किराना, इंदौर में ताज़ी सब्ज़ियाँ और रोज़ का राशन, 2 घंटे में होम डिलीवरी, UPI और नकद।',
    f_language: 'साइट की भाषा',
    lang_en: 'अंग्रेज़ी', lang_hi: 'हिन्दी', lang_hinglish: 'हिंग्लिश',
    f_name: 'कारोबार का नाम (वैकल्पिक)',
    f_city: 'शहर (वैकल्पिक)',
    start: 'मेरी साइट बनाएँ',
    description_short: 'कृपया अपने कारोबार के बारे में कम से कम 10 अक्षर लिखें।',
    progress_heading: 'आपकी साइट बन रही है',
    step_detect_sector: 'आपके कारोबार को समझना',
    step_spec: 'साइट की योजना',
    step_review: 'आपकी जाँच',
    step_pages: 'पेज लिखना',
    step_images: 'चित्र बनाना',
    step_assemble: 'सब जोड़ना',
    step_validate: 'गुणवत्ता और सुलभता की जाँच',
    step_save_draft: 'ड्राफ़्ट सहेजना',
    step_done: '{step}: पूरा',
    step_now: '{step}: चल रहा है',
    step_todo: '{step}: बाकी',
    sector_found: 'यह {sector} का कारोबार लगता है ({percent}% भरोसा)।',
    review_heading: 'अपनी साइट का ब्योरा जाँचें',
    review_intro: 'जो सही न हो उसे बदलें, फिर पेज बनवाएँ।',
    f_business_name: 'कारोबार का नाम',
    f_tagline: 'टैगलाइन',
    f_sector: 'कारोबार का प्रकार',
    h_sector: 'इसे बदलने पर उस प्रकार के लिए नई योजना बनती है; उसके बाद आप बाकी ब्योरा बदल सकते हैं।',
    f_hours: 'खुलने का समय',
    f_delivery_time: 'डिलीवरी का समय',
    f_delivery_areas: 'डिलीवरी के इलाके',
    h_delivery_areas: 'इलाकों को कॉमा से अलग करें।',
    products_legend: 'सामान',
    f_product_name: 'सामान {n} का नाम',
    f_product_price: 'सामान {n} की कीमत ₹ में',
    build: 'पेज बनाएँ',
    replan: 'नई योजना बनाएँ',
    reject_heading: 'जैसा चाहा वैसा नहीं?',
    f_note: 'pakka को बताइए क्या बदलना है',
    h_note: 'जैसे: नाम शर्मा फ्रेश रखो, और रंग नारंगी करो।',
    reject: 'इस नोट के साथ नई योजना बनाएँ',
    note_needed: 'पहले नोट लिखें।',
    sector_heading: 'यह किस प्रकार का कारोबार है?',
    sector_intro: 'pakka पक्का नहीं है। सबसे नज़दीकी चुनें।',
    confirm_sector: 'आगे बढ़ें',
    sector_legend: 'कारोबार का प्रकार',
    building: 'आपके पेज बन रहे हैं…',
    draft_heading: 'अपनी साइट देखें',
    checks_passed: 'गुणवत्ता और सुलभता की सारी जाँचें पास हुईं।',
    checks_failed: 'जाँच के बाद {count} समस्याएँ बाकी हैं: आप फिर भी प्रकाशित कर सकते हैं, या नई साइट बना सकते हैं।',
    f_page: 'पेज',
    preview_region: 'साइट की झलक (डेस्कटॉप चौड़ाई पर बगल में स्क्रॉल होती है)',
    width_group: 'झलक की चौड़ाई',
    phone: 'फ़ोन (390 px)',
    desktop: 'डेस्कटॉप (1280 px)',
    frame_title: '{name} की झलक, {page}',
    publish: 'मेरी दुकान प्रकाशित करें',
    publishing: 'प्रकाशित हो रही है…',
    published_heading: 'आपकी दुकान चालू है',
    published: 'प्रकाशित हो गई। ग्राहक अब आपका सामान खोजकर ऑर्डर कर सकते हैं।',
    open_store: 'अपनी दुकान खोलें',
    new_tab: '(नए टैब में खुलेगी)',
    start_over: 'एक और साइट बनाएँ',
    failed: 'साइट नहीं बन सकी: {error}',
    review_forbidden: 'इस साइन-इन से जाँच का जवाब नहीं दिया जा सकता: यह कारोबार के मालिक के अपने (ग्राहक) साइन-इन और एडमिन के लिए है। आगे बढ़ने के लिए मालिक के रूप में साइन इन करें।',
    rejected: 'यह सुझाव ठुकरा दिया गया।',
    your_sites: 'आपकी साइटें',
    no_sites: 'अभी कोई साइट नहीं।',
    open: 'खोलें',
    open_named: '{name} खोलें',
    untitled: 'बिना नाम की साइट',
    site_status: '{status}, {when} को बदली',
    status_GENERATING: 'बन रही है',
    status_AWAITING_REVIEW: 'आपकी जाँच बाकी',
    status_DRAFT: 'ड्राफ़्ट तैयार',
    status_PUBLISHED: 'प्रकाशित',
    status_FAILED: 'नहीं बन सकी',
    status_REJECTED: 'ठुकराई गई',
    sector_grocery: 'किराना', sector_restaurant: 'रेस्टोरेंट', sector_bakery: 'बेकरी', sector_clinic: 'क्लिनिक',
    sector_pharmacy: 'दवा की दुकान', sector_fashion: 'फ़ैशन', sector_footwear: 'जूते-चप्पल', sector_beauty: 'ब्यूटी',
    sector_electronics: 'इलेक्ट्रॉनिक्स', sector_handicrafts: 'हस्तशिल्प', sector_home: 'घर का सामान', sector_education: 'शिक्षा',
    sector_other: 'अन्य',
    error_generic: 'कुछ गड़बड़ हुई। कृपया फिर से कोशिश करें।',
    cancelled: 'रोक दिया गया।',
  },
};

const sleep = (ms, signal) => new Promise((resolve, reject) => {
  const stop = () => {
    clearTimeout(timer);
    reject(new DOMException('left the screen', 'AbortError'));
  };
  const timer = setTimeout(() => {
    signal.removeEventListener('abort', stop);
    resolve();
  }, ms);
  signal.addEventListener('abort', stop, { once: true });
});

export async function render(root, app, params = {}) {
  useStyles('merchant.css');
  useStyles('sites.css');
  const el = app.el;
  const signal = app.signal;
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const stage = el('section', { class: 'wizard-stage', 'aria-labelledby': 'stage-heading' });
  const sites = el('div', { class: 'your-sites' });
  const done = new Set();
  let current = null;
  let steps = null;

  const stepLabel = (step) => {
    const name = app.t(`step_${step}`);
    if (done.has(step)) return app.t('step_done', { step: name });
    return app.t(step === current ? 'step_now' : 'step_todo', { step: name });
  };
  function showSteps() {
    if (!steps) return;
    steps.replaceChildren(...STEPS.map((step) => el('li', {
      class: [done.has(step) && 'done', step === current && 'active'],
      'aria-current': step === current ? 'step' : null,
      'data-step': step,
    }, el('span', { 'aria-hidden': 'true', text: app.t(`step_${step}`) }),
    el('span', { class: 'visually-hidden', text: stepLabel(step) }))));
  }
  /** Mark every step before `step` done and `step` the current one. */
  function reach(step, { finished = false } = {}) {
    const index = STEPS.indexOf(step);
    if (index < 0) return;
    STEPS.slice(0, finished ? index + 1 : index).forEach((name) => done.add(name));
    current = finished ? STEPS[index + 1] || null : step;
    status.textContent = current ? app.t(`step_${current}`) : '';
    showSteps();
  }

  function setStage(headingKey, ...children) {
    const heading = el('h2', { id: 'stage-heading', tabindex: '-1', text: app.t(headingKey) });
    stage.replaceChildren(heading, ...children);
    heading.focus();
  }

  function progressStage(view) {
    steps = el('ol', { class: 'steps', 'aria-label': app.t('progress_heading') });
    const found = view?.sector && view.sector_confidence != null
      ? el('p', { class: 'sector-found', text: app.t('sector_found', {
        sector: app.t(`sector_${view.sector}`), percent: Math.round(100 * view.sector_confidence) }) })
      : null;
    setStage('progress_heading', steps, found);
    showSteps();
  }

  // -- describing the business ---------------------------------------------------------------------------

  function describeStage() {
    done.clear();
    current = null;
    const description = el('textarea', { name: 'description', rows: '4', maxlength: '4000' });
    description.required = true;
    const language = el('select', { name: 'language' },
      ...LANGUAGES.map((value) => el('option', { value, text: app.t(`lang_${value}`) })));
    language.value = app.lang === 'hi' ? 'hi' : 'en';
    const name = el('input', { type: 'text', name: 'business_name', maxlength: '80', autocomplete: 'organization' });
    const city = el('input', { type: 'text', name: 'city', maxlength: '60', autocomplete: 'address-level2' });
    const form = el('form', { class: 'card merchant-form', novalidate: true },
      field(app, 'site-description', 'f_description', description, 'h_description'),
      el('div', { class: 'row' },
        field(app, 'site-language', 'f_language', language),
        field(app, 'site-name', 'f_name', name),
        field(app, 'site-city', 'f_city', city)),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: app.t('start') })));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = description.value.trim();
      if (text.length < 10) {
        status.textContent = app.t('description_short');
        description.focus();
        return;
      }
      const body = { description: text, language: language.value, auto_approve: false };
      if (name.value.trim()) body.business_name = name.value.trim();
      if (city.value.trim()) body.city = city.value.trim();
      form.querySelector('button').disabled = true;
      try {
        const created = await app.api('/v1/sites', { json: body, signal });
        history.replaceState(null, '', `#/sites?site=${encodeURIComponent(created.site_id)}`);
        reach('detect_sector');
        progressStage(null);
        await follow(created.site_id);
      } catch (error) {
        if (error.name === 'AbortError') return;
        form.querySelector('button').disabled = false;
        status.textContent = errorText(app, error);
      }
    });
    setStage('describe_heading', form);
  }

  // -- following the background run ----------------------------------------------------------------------

  /** Poll the site until it waits for the owner or is done, showing where the run is. */
  async function follow(siteId) {
    for (;;) {
      const view = await app.api(`/v1/sites/${encodeURIComponent(siteId)}`, { signal });
      if (view.status === 'AWAITING_REVIEW' && view.pending_interrupt) return question(view, view.pending_interrupt);
      if (view.status !== 'GENERATING') return settled(view);
      if (!done.has('review')) {
        reach(view.spec ? 'review' : view.sector ? 'spec' : 'detect_sector');
        if (!steps || !stage.contains(steps)) progressStage(view);
        else if (view.sector && !stage.querySelector('.sector-found')) {
          stage.append(el('p', { class: 'sector-found', text: app.t('sector_found', {
            sector: app.t(`sector_${view.sector}`), percent: Math.round(100 * (view.sector_confidence || 0)) }) }));
        }
      }
      await sleep(POLL_MS, signal);
    }
  }

  /** The end of a run or a stop: a question for the owner, a draft, a published store, or a failure. */
  function settled(view) {
    if (view.status === 'DRAFT') return draftStage(view);
    if (view.status === 'PUBLISHED') return publishedStage(view, view.url);
    if (view.status === 'FAILED') {
      status.textContent = app.t('failed', { error: view.error || app.t('error_generic') });
      return describeStage();
    }
    if (view.status === 'REJECTED') {
      status.textContent = app.t('rejected');
      return describeStage();
    }
    return follow(view.site_id);
  }

  function question(view, interrupt) {
    const request = interrupt.action_requests?.[0] || {};
    if (request.name === SECTOR_ACTION) return sectorStage(view, interrupt, request);
    return reviewStage(view, interrupt, request);
  }

  /** Answer the thread's question and follow the rest of the run as it streams. */
  async function answer(view, interrupt, decision) {
    reach('pages');
    progressStage(view);
    status.textContent = app.t('building');
    let next = null;
    let failure = null;
    try {
      await app.stream(`/v1/threads/${encodeURIComponent(view.thread_id)}/resume/stream`,
        { json: { interrupt_id: interrupt.id, decisions: [decision] }, signal }, (name, data) => {
          if (name === 'progress' && !data.subgraph) reach(data.node, { finished: true });
          else if (name === 'interrupt') next = data;
          else if (name === 'error') failure = data;
        });
    } catch (error) {
      if (error.name === 'AbortError') return;
      failure = error.status === 403 ? { message: app.t('review_forbidden') } : error;
    }
    if (failure) status.textContent = errorText(app, failure);
    const fresh = await app.api(`/v1/sites/${encodeURIComponent(view.site_id)}`, { signal });
    const pending = fresh.pending_interrupt || next;
    if (fresh.status === 'AWAITING_REVIEW' && pending) question(fresh, pending);
    else await settled(fresh);
    if (failure) status.textContent = errorText(app, failure);
  }

  function sectorStage(view, interrupt, request) {
    const guess = request.args?.sector || 'other';
    const options = (request.args?.options || SECTORS).filter((sector) => SECTORS.includes(sector));
    const radios = options.map((sector) => {
      const input = el('input', { type: 'radio', name: 'sector', value: sector, id: `sector-${sector}` });
      input.checked = sector === guess;
      return el('div', { class: 'radio' }, input, el('label', { for: input.id, text: app.t(`sector_${sector}`) }));
    });
    const form = el('form', { class: 'card merchant-form' },
      el('p', { text: app.t('sector_intro') }),
      el('fieldset', {}, el('legend', { text: app.t('sector_legend') }), ...radios),
      el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: app.t('confirm_sector') })));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const chosen = form.querySelector('input[name=sector]:checked')?.value || guess;
      answer(view, interrupt, chosen === guess ? { type: 'approve' } : { type: 'edit', args: { sector: chosen } })
        .catch(report);
    });
    status.textContent = '';
    setStage('sector_heading', form);
  }

  // -- reviewing the proposed spec ---------------------------------------------------------------------

  function reviewStage(view, interrupt, request) {
    reach('review');
    const spec = request.args || view.spec || {};
    const input = (name, value, attrs = {}) => {
      const control = el('input', { type: 'text', name, maxlength: attrs.maxlength || '140', ...attrs });
      control.value = value ?? '';
      return control;
    };
    const businessName = input('business_name', spec.business_name, { maxlength: '80', required: true });
    const tagline = input('tagline', spec.tagline, { maxlength: '140', required: true });
    const sector = el('select', { name: 'sector' },
      ...SECTORS.map((value) => el('option', { value, text: app.t(`sector_${value}`) })));
    sector.value = SECTORS.includes(spec.sector) ? spec.sector : 'other';
    const hours = input('hours', spec.hours, { maxlength: '120', required: true });
    const deliveryTime = input('delivery_time', spec.delivery_time, { maxlength: '80', required: true });
    const deliveryAreas = input('delivery_areas', (spec.delivery_areas || []).join(', '), { maxlength: '600' });
    const products = (spec.products || []).map((product, index) => {
      const n = index + 1;
      const productName = input(`product-${n}-name`, product.name, { maxlength: '120', required: true });
      const price = el('input', { type: 'number', name: `product-${n}-price`, min: '1', max: '10000000', step: '1',
        inputmode: 'numeric', required: true });
      price.value = String(product.price_inr);
      const row = el('div', { class: 'product-edit' },
        labelled(`review-product-${n}-name`, app.t('f_product_name', { n }), productName),
        labelled(`review-product-${n}-price`, app.t('f_product_price', { n }), price));
      return { product, productName, price, row };
    });
    const build = el('button', { type: 'submit', class: 'primary', text: app.t('build') });
    sector.addEventListener('change', () => {
      build.textContent = app.t(sector.value === spec.sector ? 'build' : 'replan');
    });
    const form = el('form', { class: 'card merchant-form review-form', novalidate: true },
      el('p', { text: app.t('review_intro') }),
      request.description ? el('p', { class: 'hint', lang: 'en', text: request.description }) : null,
      field(app, 'review-business-name', 'f_business_name', businessName),
      field(app, 'review-tagline', 'f_tagline', tagline),
      field(app, 'review-sector', 'f_sector', sector, 'h_sector'),
      el('div', { class: 'row' },
        field(app, 'review-hours', 'f_hours', hours),
        field(app, 'review-delivery-time', 'f_delivery_time', deliveryTime)),
      field(app, 'review-delivery-areas', 'f_delivery_areas', deliveryAreas, 'h_delivery_areas'),
      el('fieldset', { class: 'products-edit' }, el('legend', { text: app.t('products_legend') }),
        ...products.map((item) => item.row)),
      el('div', { class: 'actions' }, build));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      if (sector.value !== spec.sector) {
        const note = [`This business is in the ${sector.value} sector.`];
        if (businessName.value.trim() !== spec.business_name) note.push(`Name it "${businessName.value.trim()}".`);
        if (tagline.value.trim() !== spec.tagline) note.push(`Tagline: "${tagline.value.trim()}".`);
        answer(view, interrupt, { type: 'reject', message: note.join(' ') }).catch(report);
        return;
      }
      const changes = {};
      const text = (control, key) => {
        const value = control.value.trim();
        if (value && value !== spec[key]) changes[key] = value;
      };
      text(businessName, 'business_name');
      text(tagline, 'tagline');
      text(hours, 'hours');
      text(deliveryTime, 'delivery_time');
      const areas = deliveryAreas.value.split(',').map((area) => area.trim()).filter(Boolean);
      if (areas.length && areas.join('|') !== (spec.delivery_areas || []).join('|')) changes.delivery_areas = areas;
      const edited = products.map(({ product, productName, price }) => ({
        ...product, name: productName.value.trim() || product.name, price_inr: Math.round(Number(price.value)) || product.price_inr,
      }));
      if (edited.some((item, index) => item.name !== products[index].product.name
        || item.price_inr !== products[index].product.price_inr)) changes.products = edited;
      answer(view, interrupt, Object.keys(changes).length ? { type: 'edit', args: changes } : { type: 'approve' })
        .catch(report);
    });

    const note = el('textarea', { name: 'note', rows: '2', maxlength: '2000' });
    const rejectForm = el('form', { class: 'card merchant-form', novalidate: true },
      el('h3', { text: app.t('reject_heading') }),
      field(app, 'review-note', 'f_note', note, 'h_note'),
      el('div', { class: 'actions' }, el('button', { type: 'submit', text: app.t('reject') })));
    rejectForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!note.value.trim()) {
        status.textContent = app.t('note_needed');
        note.focus();
        return;
      }
      answer(view, interrupt, { type: 'reject', message: note.value.trim() }).catch(report);
    });
    status.textContent = '';
    setStage('review_heading', form, rejectForm);
  }

  function labelled(id, text, control) {
    control.id = id;
    return el('div', { class: 'field' }, el('label', { for: id, text }), control);
  }

  // -- the draft: preview and publish ------------------------------------------------------------------

  function previewBlock(view) {
    const pages = (view.pages || []).filter((page) => page.endsWith('.html'));
    if (!pages.length) pages.push('index.html');
    const page = el('select', { name: 'page' }, ...pages.map((value) => el('option', { value, text: value })));
    page.value = pages.includes('index.html') ? 'index.html' : pages[0];
    const name = view.business_name || view.spec?.business_name || app.t('untitled');
    const frame = el('iframe', {
      class: 'preview-frame phone',
      title: app.t('frame_title', { name, page: page.value }),
      sandbox: 'allow-same-origin allow-popups allow-popups-to-escape-sandbox',
      referrerpolicy: 'no-referrer',
    });
    const widths = ['phone', 'desktop'].map((width) => {
      const button = el('button', { type: 'button', 'aria-pressed': String(width === 'phone'), 'data-width': width,
        text: app.t(width) });
      button.addEventListener('click', () => {
        frame.className = `preview-frame ${width}`;
        for (const other of widths) other.setAttribute('aria-pressed', String(other === button));
      });
      return button;
    });
    const load = () => {
      frame.title = app.t('frame_title', { name, page: page.value });
      frame.src = `/sites/${encodeURIComponent(view.site_id)}/${page.value}`;
    };
    page.addEventListener('change', load);
    const block = el('div', { class: 'preview' },
      el('div', { class: 'row preview-controls' },
        field(app, 'preview-page', 'f_page', page),
        el('div', { class: 'preview-toggle', role: 'group', 'aria-label': app.t('width_group') }, ...widths)),
      el('div', { class: 'preview-stage', tabindex: '0', role: 'region', 'aria-label': app.t('preview_region') }, frame));
    return { block, load };
  }

  async function draftStage(view) {
    done.clear();
    STEPS.forEach((step) => done.add(step));
    current = null;
    const validation = view.validation || {};
    const problems = (validation.conformance_errors || 0) + (validation.axe_serious_or_critical || 0)
      + (validation.static_errors || 0);
    const checks = validation.passed
      ? el('p', { class: 'ok', text: app.t('checks_passed') })
      : el('p', { class: 'error', text: app.t('checks_failed', { count: problems }) });
    const { block, load } = previewBlock(view);
    const publish = el('button', { type: 'button', class: 'primary', text: app.t('publish') });
    publish.addEventListener('click', async () => {
      publish.disabled = true;
      status.textContent = app.t('publishing');
      try {
        const published = await app.api(`/v1/sites/${encodeURIComponent(view.site_id)}/publish`, { method: 'POST', signal });
        const fresh = await app.api(`/v1/sites/${encodeURIComponent(view.site_id)}`, { signal });
        await publishedStage(fresh, published.url);
      } catch (error) {
        if (error.name === 'AbortError') return;
        publish.disabled = false;
        status.textContent = errorText(app, error);
      }
    });
    status.textContent = '';
    setStage('draft_heading', checks, block, el('div', { class: 'actions' }, publish));
    load();
    listSites();
  }

  async function publishedStage(view, url) {
    const { block, load } = previewBlock(view);
    const again = el('button', { type: 'button', text: app.t('start_over') });
    again.addEventListener('click', () => {
      history.replaceState(null, '', '#/sites');
      describeStage();
    });
    status.textContent = app.t('published');
    setStage('published_heading',
      el('p', {}, el('a', { class: 'live-link', href: url || view.url, target: '_blank', rel: 'noopener' },
        app.t('open_store'), ' ', el('span', { class: 'visually-hidden', text: app.t('new_tab') }))),
      block,
      el('div', { class: 'actions' }, again));
    load();
    listSites();
  }

  // -- the owner's sites -------------------------------------------------------------------------------

  async function listSites() {
    let items = [];
    try {
      items = await app.api('/v1/sites', { signal });
    } catch (error) {
      if (error.name === 'AbortError') return;
      sites.replaceChildren(el('p', { class: 'error', text: errorText(app, error) }));
      return;
    }
    const rows = items.map((item) => {
      const name = item.business_name || app.t('untitled');
      const open = el('button', { type: 'button', text: app.t('open'), 'aria-label': app.t('open_named', { name }) });
      open.addEventListener('click', () => {
        history.replaceState(null, '', `#/sites?site=${encodeURIComponent(item.site_id)}`);
        start(item.site_id).catch(report);
      });
      return el('li', {},
        el('span', {}, el('strong', { text: name }), ' ',
          el('span', { class: 'muted', text: app.t('site_status', {
            status: app.t(`status_${item.status}`), when: when(app, item.updated_at) }) })),
        open);
    });
    sites.replaceChildren(
      el('h2', { id: 'sites-heading', text: app.t('your_sites') }),
      rows.length ? el('ul', { class: 'site-list' }, ...rows) : el('p', { class: 'muted', text: app.t('no_sites') }));
  }

  function report(error) {
    if (error.name !== 'AbortError') status.textContent = errorText(app, error);
  }

  async function start(siteId) {
    done.clear();
    current = null;
    const view = await app.api(`/v1/sites/${encodeURIComponent(siteId)}`, { signal });
    if (view.status === 'GENERATING') {
      reach(view.spec ? 'review' : view.sector ? 'spec' : 'detect_sector');
      progressStage(view);
      return follow(siteId);
    }
    if (view.status === 'AWAITING_REVIEW' && view.pending_interrupt) return question(view, view.pending_interrupt);
    return settled(view);
  }

  root.replaceChildren(el('div', { class: 'merchant-screen sites-screen' },
    el('h1', { text: app.t('title') }),
    el('p', { class: 'lead', text: app.t('intro') }),
    status,
    stage,
    sites));
  if (params.site) {
    start(params.site).catch((error) => {
      report(error);
      if (error.name !== 'AbortError') describeStage();
    });
  } else {
    describeStage();
  }
  listSites();
}
