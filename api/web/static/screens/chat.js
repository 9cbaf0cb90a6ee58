// The shopping chat: one thread per shopper (kept across visits), replies streamed token by token, tool activity
// shown compactly, and every order or cancellation asked as an approve/reject card before it happens (the chat
// graph's interrupt, answered through POST /v1/threads/{id}/resume/stream). Photos and Hindi welcome.

export const strings = {
  en: {
    title: 'Chat',
    intro: 'Ask for anything: “running shoes under 3000”, “mujhe size 9 chahiye”, “order it”. Nothing is ordered until you approve it.',
    conversation: 'Conversation',
    you: 'You', assistant: 'pakka',
    message: 'Your message (English or हिन्दी)',
    messageHint: 'Enter sends; Shift+Enter adds a line.',
    send: 'Send', sending: 'Sending…',
    region: 'Deliver to', anyRegion: 'Not set',
    photo: 'Attach a photo (optional)', photoFile: 'Photo (JPEG or PNG)', photoKind: 'The photo shows', foot: 'my foot', face: 'my face', body: 'my body',
    photoAttached: 'Photo attached: {name}', removePhoto: 'Remove photo',
    newChat: 'New conversation',
    tool: 'Working: {name}…', toolDone: 'Done: {name}', toolFailed: 'Could not: {name}',
    toolWaiting: 'Waiting for your answer: {name}',
    search_products: 'searching products', get_product: 'reading product details', check_inventory: 'checking stock',
    remove_from_cart: 'updating the cart',
    add_to_cart: 'updating the cart', view_cart: 'reading the cart', place_order: 'placing the order',
    order_status: 'checking the order', cancel_order: 'cancelling the order', recommend_for_me: 'finding what fits you',
    ask_knowledge: 'looking it up', scan_photo: 'measuring the photo', remember_preference: 'remembering that',
    recall_preferences: 'recalling your preferences',
    approveTitle_place_order: 'Place this order?', approveTitle_cancel_order: 'Cancel this order?',
    item: 'Item', size: 'Size', qty: 'Qty', amount: 'Amount', total: 'Total', deliverTo: 'Deliver to', payment: 'Payment',
    approve: 'Approve', reject: 'Reject',
    approved: 'You approved.', rejected: 'You declined.',
    seeOrders: 'See your orders',
    photoOnly: '(photo)',
    tooBig: 'That photo is larger than 10 MB.',
  },
  hi: {
    title: 'बातचीत',
    intro: 'कुछ भी पूछें: “3000 से कम के रनिंग शूज़”, “मुझे साइज़ 9 चाहिए”, “ऑर्डर कर दो”। आपकी मंज़ूरी के बिना कुछ ऑर्डर नहीं होता।',
    conversation: 'बातचीत',
    you: 'आप', assistant: 'पक्का',
    message: 'आपका संदेश (हिन्दी या English)',
    messageHint: 'Enter से भेजें; Shift+Enter से नई पंक्ति।',
    send: 'भेजें', sending: 'भेज रहे हैं…',
    region: 'कहाँ पहुँचाएँ', anyRegion: 'तय नहीं',
    photo: 'फ़ोटो जोड़ें (वैकल्पिक)', photoFile: 'फ़ोटो (JPEG या PNG)', photoKind: 'फ़ोटो में है', foot: 'मेरा पैर', face: 'मेरा चेहरा', body: 'मेरा शरीर',
    photoAttached: 'फ़ोटो जुड़ी: {name}', removePhoto: 'फ़ोटो हटाएँ',
    newChat: 'नई बातचीत',
    tool: 'काम जारी: {name}…', toolDone: 'हो गया: {name}', toolFailed: 'नहीं हो सका: {name}',
    toolWaiting: 'आपके जवाब का इंतज़ार: {name}',
    search_products: 'प्रोडक्ट खोज', get_product: 'प्रोडक्ट की जानकारी', check_inventory: 'स्टॉक जाँच',
    remove_from_cart: 'कार्ट अपडेट',
    add_to_cart: 'कार्ट अपडेट', view_cart: 'कार्ट देखना', place_order: 'ऑर्डर देना',
    order_status: 'ऑर्डर की स्थिति', cancel_order: 'ऑर्डर रद्द करना', recommend_for_me: 'आपके लिए सही चीज़ ढूँढना',
    ask_knowledge: 'जानकारी देखना', scan_photo: 'फ़ोटो मापना', remember_preference: 'पसंद याद रखना',
    recall_preferences: 'आपकी पसंद याद करना',
    approveTitle_place_order: 'यह ऑर्डर दें?', approveTitle_cancel_order: 'यह ऑर्डर रद्द करें?',
    item: 'सामान', size: 'साइज़', qty: 'संख्या', amount: 'रकम', total: 'कुल', deliverTo: 'पहुँचाना है', payment: 'भुगतान',
    approve: 'मंज़ूर करें', reject: 'मना करें',
    approved: 'आपने मंज़ूरी दी।', rejected: 'आपने मना किया।',
    seeOrders: 'अपने ऑर्डर देखें',
    photoOnly: '(फ़ोटो)',
    tooBig: 'यह फ़ोटो 10 MB से बड़ी है।',
  },
};

const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

function text(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : part.text || '')).join('');
  return '';
}

function readAsDataUrl(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export async function render(root, app, params) {
  const el = app.el.bind(app);
  const t = app.t.bind(app);
  const threadKey = `pakka.chat.${app.session.user_id}`;
  const regionKey = `pakka.region.${app.session.user_id}`;

  const log = el('div', {class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': t('conversation')});
  const status = el('p', {class: 'error', role: 'alert'});
  const box = el('textarea', {id: 'chat-message', name: 'message', rows: '2', lang: app.lang,
    'aria-describedby': 'chat-hint', autocomplete: 'off'});
  if (params.message) box.value = params.message;
  const regionBox = el('select', {id: 'chat-region'}, [el('option', {value: '', text: t('anyRegion')}),
    ...app.regions.map((region) => el('option', {value: region.slug, text: region.city,
      selected: localStorage.getItem(regionKey) === region.slug}))]);
  regionBox.addEventListener('change', () => localStorage.setItem(regionKey, regionBox.value));
  const photoInput = el('input', {id: 'chat-photo', type: 'file', accept: 'image/jpeg,image/png'});
  const kindBox = el('select', {id: 'chat-photo-kind'}, ['foot', 'face', 'body'].map((kind) =>
    el('option', {value: kind, text: t(kind)})));
  const sendButton = el('button', {type: 'submit', class: 'primary', text: t('send')});
  const form = el('form', {class: 'composer', 'on:submit': (event) => {
    event.preventDefault();
    send();
  }},
  el('div', {class: 'field'}, el('label', {for: 'chat-message', text: t('message')}), box,
    el('span', {class: 'hint', id: 'chat-hint', text: t('messageHint')})),
  el('details', {},
    el('summary', {text: t('photo')}),
    el('div', {class: 'field'}, el('label', {for: 'chat-photo', text: t('photoFile')}), photoInput),
    el('div', {class: 'field'}, el('label', {for: 'chat-photo-kind', text: t('photoKind')}), kindBox)),
  el('div', {class: 'field'}, el('label', {for: 'chat-region', text: t('region')}), regionBox),
  el('div', {class: 'actions'}, sendButton,
    el('button', {type: 'button', text: t('newChat'), 'on:click': async () => {
      localStorage.removeItem(threadKey);
      threadId = null;
      log.replaceChildren();
    }})),
  status);
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  root.append(el('h1', {text: t('title')}), el('p', {class: 'muted', text: t('intro')}), log, form);

  let threadId = localStorage.getItem(threadKey);
  let busy = false;

  // A message: the speaker's name for screen readers, then the text (the last child, which tokens extend).
  const bubble = (role, content) => {
    const node = el('div', {class: `bubble ${role}`},
      el('span', {class: 'visually-hidden', text: `${role === 'user' ? t('you') : t('assistant')}: `}),
      document.createTextNode(content));
    log.append(node);
    node.scrollIntoView({block: 'end'});
    return node;
  };
  const toolLine = (name) => el('div', {class: 'tool', 'data-tool': name, text: t('tool', {name: t(name)})});

  // The conversation so far, and a question still waiting for an answer.
  if (threadId) {
    try {
      const thread = await app.api(`/v1/threads/${threadId}`, {signal: app.signal});
      for (const message of thread.messages) {
        const content = text(message.content);
        if (message.type === 'human') bubble('user', content || t('photoOnly'));
        else if (message.type === 'ai' && content) bubble('assistant', content);
        else if (message.type === 'tool') log.append(el('div', {class: 'tool', text: t('toolDone', {name: t(message.name)})}));
      }
      for (const question of thread.pending_interrupts) approvalCard(question);
    } catch (error) {
      if (error.name === 'AbortError') return;
      if (error.status === 404) {
        localStorage.removeItem(threadKey);
        threadId = null;
      } else {
        status.textContent = error.message;
      }
    }
  }

  async function ensureThread() {
    if (threadId) return threadId;
    const created = await app.api('/v1/threads', {json: {graph: 'chat'}});
    threadId = created.thread_id;
    localStorage.setItem(threadKey, threadId);
    return threadId;
  }

  /** Streams one run (a new message or an answer to a question) into the log. */
  async function run(path, body) {
    let reply = null;
    const tools = {};
    let ordered = false;
    await app.stream(path, {json: body, signal: app.signal}, (event, data) => {
      if (event === 'token') {
        if (!reply) reply = bubble('assistant', '');
        reply.lastChild.textContent += data.text;
      } else if (event === 'message') {
        if (!reply) reply = bubble('assistant', '');
        reply.lastChild.textContent = text(data.content);
        reply = null; // the next model turn gets its own bubble
      } else if (event === 'tool_call') {
        tools[data.id] = toolLine(data.name);
        log.append(tools[data.id]);
        reply = null;
      } else if (event === 'tool_result') {
        const line = tools[data.id] || toolLine(data.name);
        line.dataset.done = 'true';
        line.textContent = t(data.ok ? 'toolDone' : 'toolFailed', {name: t(data.name)});
        if (data.ok && data.name === 'place_order') ordered = true;
      } else if (event === 'interrupt') {
        const asked = new Set((data.action_requests || []).map((request) => request.name));
        for (const line of Object.values(tools)) {
          if (asked.has(line.dataset.tool) && !line.dataset.done) line.textContent = t('toolWaiting', {name: t(line.dataset.tool)});
        }
        approvalCard(data);
      } else if (event === 'error') {
        status.textContent = data.message;
      }
    });
    if (ordered) log.append(el('p', {}, el('a', {href: '#/orders', class: 'button', text: t('seeOrders')})));
  }

  async function send() {
    if (busy) return;
    const message = box.value.trim();
    const file = photoInput.files && photoInput.files[0];
    if (!message && !file) return;
    if (file && file.size > MAX_PHOTO_BYTES) {
      status.textContent = t('tooBig');
      return;
    }
    busy = true;
    status.textContent = '';
    sendButton.disabled = true;
    sendButton.textContent = t('sending');
    try {
      const input = {message: message || t('photoOnly')};
      if (regionBox.value) input.region = regionBox.value;
      if (file) {
        input.image = await readAsDataUrl(file);
        input.image_kind = kindBox.value;
      }
      const id = await ensureThread();
      bubble('user', message || t('photoOnly'));
      box.value = '';
      photoInput.value = '';
      await run(`/v1/threads/${id}/runs/stream`, {input});
    } catch (error) {
      if (error.name !== 'AbortError') status.textContent = error.message;
    } finally {
      busy = false;
      sendButton.disabled = false;
      sendButton.textContent = t('send');
      // Back to the message box, unless a question now waits for an answer (its Approve button has focus).
      if (!app.signal.aborted && !log.querySelector('.approve button:not([disabled])')) box.focus();
    }
  }

  function summaryTable(summary) {
    if (!summary || !summary.lines) return null;
    const rows = summary.lines.map((line) => el('tr', {},
      el('td', {text: line.name || line.product_id}), el('td', {text: line.size}), el('td', {text: String(line.quantity)}),
      el('td', {text: line.line_total_inr !== undefined ? app.money(line.line_total_inr) : ''})));
    return el('div', {class: 'table-wrap'}, el('table', {},
      el('thead', {}, el('tr', {}, ['item', 'size', 'qty', 'amount'].map((key) => el('th', {scope: 'col', text: t(key)})))),
      el('tbody', {}, rows)),
    el('dl', {class: 'pairs'},
      summary.total_inr !== undefined ? [el('dt', {text: t('total')}), el('dd', {}, el('strong', {text: app.money(summary.total_inr)}))] : null,
      summary.region_city ? [el('dt', {text: t('deliverTo')}), el('dd', {text: summary.region_city})] : null,
      summary.payment_method ? [el('dt', {text: t('payment')}), el('dd', {text: summary.payment_method.toUpperCase()})] : null));
  }

  function approvalCard(question) {
    const requests = question.action_requests || [];
    const name = requests.length ? requests[0].name : 'place_order';
    const titleId = `approve-${question.id}`;
    const buttons = el('div', {class: 'actions'});
    const card = el('section', {class: 'card approve', 'aria-labelledby': titleId},
      el('h2', {id: titleId, text: t(`approveTitle_${name}`)}),
      requests.map((request) => [el('p', {text: request.description}), summaryTable(request.summary)]),
      buttons);
    const answer = async (type) => {
      buttons.querySelectorAll('button').forEach((button) => { button.disabled = true; });
      status.textContent = '';
      try {
        const id = await ensureThread();
        buttons.replaceChildren(el('p', {class: type === 'approve' ? 'ok' : 'muted', text: t(type === 'approve' ? 'approved' : 'rejected')}));
        await run(`/v1/threads/${id}/resume/stream`, {interrupt_id: question.id,
          decisions: requests.map(() => ({type}))});
      } catch (error) {
        if (error.name === 'AbortError') return;
        status.textContent = error.message;
        buttons.replaceChildren(approveButton, rejectButton);
        approveButton.disabled = false;
        rejectButton.disabled = false;
      }
    };
    const approveButton = el('button', {type: 'button', class: 'primary', text: t('approve'), 'on:click': () => answer('approve')});
    const rejectButton = el('button', {type: 'button', class: 'danger', text: t('reject'), 'on:click': () => answer('reject')});
    buttons.append(approveButton, rejectButton);
    log.append(card);
    card.scrollIntoView({block: 'end'});
    approveButton.focus();
  }
}
