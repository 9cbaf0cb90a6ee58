// #/merchant/dead-letters: sales events the asynchronous path (POST /v1/pricing/events?mode=async) could not
// apply, newest first (GET /v1/pricing/dead-letters), each with why, and a way to send it again.
//
// The API has no replay route (replay is the operator command `pakka pricing dead-letters replay`), so "Send
// again" posts the letter's event to POST /v1/pricing/events synchronously and shows what happened; the
// letter itself is removed only by that command (which drops letters whose event has been applied since).

import { errorText, useStyles, when } from './merchant-common.js';

const LIMIT = 100;

export const strings = {
  en: {
    title: 'Dead letters',
    intro: 'Sales events sent in the background that could not be applied, newest first, with the reason.',
    refresh: 'Refresh',
    loading: 'Loading…',
    none: 'No dead letters: every background event was applied.',
    count: '{count} dead letters',
    count_one: '1 dead letter',
    count_more: 'The newest {count} dead letters',
    failed_at: 'Failed {when}',
    event: 'Event',
    type: 'Type',
    listing: 'Listing',
    error: 'Error',
    reason: 'Reason',
    payload: 'The event as sent',
    send_again: 'Send again',
    send_again_named: 'Send again: {event}',
    sending: 'Sending…',
    applied: 'Applied now: listing {listing} is {status} (version {version}).',
    duplicate: 'Already applied earlier: listing {listing} is {status}.',
    still_failing: 'Still not applied: {message}',
    replay_note: 'Sending again applies the event now; the letter stays in this list until an operator runs the replay command, which removes letters whose event has been applied:',
    error_generic: 'Something went wrong. Please try again.',
    cancelled: 'Stopped.',
  },
  hi: {
    title: 'अटके संदेश',
    intro: 'पृष्ठभूमि में भेजी गई बिक्री की वे घटनाएँ जो लागू नहीं हो सकीं, नई पहले, कारण के साथ।',
    refresh: 'ताज़ा करें',
    loading: 'लोड हो रहा है…',
    none: 'कोई अटका संदेश नहीं: पृष्ठभूमि की हर घटना लागू हुई।',
    count: '{count} अटके संदेश',
    count_one: '1 अटका संदेश',
    count_more: 'सबसे नए {count} अटके संदेश',
    failed_at: '{when} को विफल',
    event: 'घटना',
    type: 'प्रकार',
    listing: 'लिस्टिंग',
    error: 'त्रुटि',
    reason: 'कारण',
    payload: 'भेजी गई घटना',
    send_again: 'फिर से भेजें',
    send_again_named: 'फिर से भेजें: {event}',
    sending: 'भेजा जा रहा है…',
    applied: 'अब लागू हुई: लिस्टिंग {listing} की स्थिति {status} है (संस्करण {version})।',
    duplicate: 'पहले ही लागू हो चुकी: लिस्टिंग {listing} की स्थिति {status} है।',
    still_failing: 'अब भी लागू नहीं हुई: {message}',
    replay_note: 'फिर से भेजने पर घटना अभी लागू होती है; संदेश इस सूची में तब तक रहता है जब तक ऑपरेटर यह कमांड नहीं चलाता, जो लागू हो चुकी घटनाओं के संदेश हटा देता है:',
    error_generic: 'कुछ गड़बड़ हुई। कृपया फिर से कोशिश करें।',
    cancelled: 'रोक दिया गया।',
  },
};

export async function render(root, app) {
  useStyles('merchant.css');
  const el = app.el;
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const list = el('ul', { class: 'plain-list letters', 'aria-labelledby': 'letters-heading' });
  const heading = el('h2', { id: 'letters-heading', text: app.t('loading') });
  const refresh = el('button', { type: 'button', text: app.t('refresh') });
  const tenant = app.session?.tenant_id || 'demo';

  async function load() {
    refresh.disabled = true;
    try {
      const answer = await app.api(`/v1/pricing/dead-letters?limit=${LIMIT}`, { signal: app.signal });
      const items = answer.items || [];
      const key = items.length >= LIMIT ? 'count_more' : items.length === 1 ? 'count_one' : 'count';
      heading.textContent = app.t(key, { count: items.length });
      list.replaceChildren(...(items.length ? items.map(letterItem) : [el('li', { class: 'muted', text: app.t('none') })]));
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      status.textContent = errorText(app, error);
    } finally {
      refresh.disabled = false;
    }
  }

  function letterItem(letter) {
    const payload = letter.payload || {};
    const eventId = letter.event_id || payload.event_id || '–';
    const result = el('p', { class: 'letter-result', role: 'status', 'aria-live': 'polite', hidden: true });
    const again = el('button', {
      type: 'button', text: app.t('send_again'), 'aria-label': app.t('send_again_named', { event: eventId }),
    });
    again.addEventListener('click', async () => {
      again.disabled = true;
      result.hidden = false;
      result.textContent = app.t('sending');
      try {
        const outcome = await app.api('/v1/pricing/events', { json: payload, signal: app.signal });
        result.className = 'letter-result ok';
        result.textContent = app.t(outcome.duplicate ? 'duplicate' : 'applied', {
          listing: outcome.listing_id, status: outcome.status, version: outcome.version,
        });
      } catch (error) {
        if (error.name === 'AbortError') return; // the screen was left
        result.className = 'letter-result error';
        result.textContent = app.t('still_failing', { message: errorText(app, error) });
      } finally {
        again.disabled = false;
      }
    });
    const pairs = [
      ['event', eventId], ['type', payload.type || '–'], ['listing', payload.listing_id || '–'],
      ['error', letter.error_code], ['reason', letter.reason],
    ];
    return el('li', { class: 'card letter', 'data-letter-id': letter.id },
      el('div', { class: 'letter-body' },
        el('h3', { text: app.t('failed_at', { when: when(app, letter.failed_at) }) }),
        el('dl', { class: 'summary-list' }, ...pairs.flatMap(([key, value]) => [
          el('dt', { text: app.t(key) }), el('dd', { text: String(value ?? '–') })])),
        el('details', {}, el('summary', { text: app.t('payload') }),
          el('pre', { tabindex: '0', text: JSON.stringify(payload, null, 2) })),
        el('div', { class: 'actions' }, again),
        result));
  }

  // A click's load has no caller to hand an AbortError to: leaving the screen ends it quietly.
  refresh.addEventListener('click', () => load().catch((error) => {
    if (error.name !== 'AbortError') status.textContent = errorText(app, error);
  }));
  root.replaceChildren(el('div', { class: 'merchant-screen' },
    el('h1', { text: app.t('title') }),
    el('p', { class: 'lead', text: app.t('intro') }),
    el('div', { class: 'card' },
      el('p', { text: app.t('replay_note') }),
      el('code', { class: 'command', text: `pakka pricing dead-letters replay --all --tenant ${tenant}` })),
    el('div', { class: 'actions' }, refresh),
    status,
    heading,
    list));
  await load();
}
