// #/merchant/dead-letters: sales events the asynchronous path (POST /v1/pricing/events?mode=async) or a sales
// file import could not apply, newest first (GET /v1/pricing/dead-letters), each with why, and a way to send it
// again: POST /v1/pricing/dead-letters/{id}/replay applies the event once more with the function
// `pakka pricing dead-letters replay` uses. An event that applies now (or was applied since) loses its letter,
// which leaves the list; one that fails again keeps it, with the new error shown in its place.

import { errorText, useStyles, when } from './merchant-common.js';

const LIMIT = 100;

export const strings = {
  en: {
    title: 'Dead letters',
    intro: 'Sales events sent in the background or imported from a file that could not be applied, newest first, with the reason.',
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
    applied: 'Applied: event {event} is in your sales history, and its letter is removed.',
    still_failing: 'Still not applied: {message}',
    replay_note: 'Sending again applies the event now. Once it applies, its letter leaves this list; if it still cannot apply, the letter stays with the new reason.',
    error_generic: 'Something went wrong. Please try again.',
    cancelled: 'Stopped.',
  },
  hi: {
    title: 'अटके संदेश',
    intro: 'पृष्ठभूमि में भेजी गई या फ़ाइल से आयात हुई बिक्री की वे घटनाएँ जो लागू नहीं हो सकीं, नई पहले, कारण के साथ।',
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
    applied: 'लागू हुई: घटना {event} आपके बिक्री इतिहास में है, और उसका संदेश हटा दिया गया।',
    still_failing: 'अब भी लागू नहीं हुई: {message}',
    replay_note: 'फिर से भेजने पर घटना अभी लागू होती है। लागू होते ही उसका संदेश इस सूची से हट जाता है; अगर अब भी लागू नहीं हो सकती, तो संदेश नए कारण के साथ रहता है।',
    error_generic: 'कुछ गड़बड़ हुई। कृपया फिर से कोशिश करें।',
    cancelled: 'रोक दिया गया।',
  },
};

export async function render(root, app) {
  useStyles('merchant.css');
  const el = app.el;
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const list = el('ul', { class: 'plain-list letters', 'aria-labelledby': 'letters-heading' });
  const heading = el('h2', { id: 'letters-heading', tabindex: '-1', text: app.t('loading') });
  const refresh = el('button', { type: 'button', text: app.t('refresh') });
  let more = false; // the list shows only the newest LIMIT letters

  function showCount() {
    const count = list.querySelectorAll('.letter').length;
    const key = more ? 'count_more' : count === 1 ? 'count_one' : 'count';
    heading.textContent = app.t(key, { count });
    if (!count) list.replaceChildren(el('li', { class: 'muted', text: app.t('none') }));
  }

  async function load() {
    refresh.disabled = true;
    try {
      const answer = await app.api(`/v1/pricing/dead-letters?limit=${LIMIT}`, { signal: app.signal });
      const items = answer.items || [];
      more = items.length >= LIMIT;
      list.replaceChildren(...items.map(letterItem));
      showCount();
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
    const pairs = [
      ['event', eventId], ['type', payload.type || '–'], ['listing', payload.listing_id || '–'],
      ['error', letter.error_code], ['reason', letter.reason],
    ];
    const values = Object.fromEntries(pairs.map(([key, value]) => [key, el('dd', { 'data-key': key, text: String(value ?? '–') })]));
    const item = el('li', { class: 'card letter', 'data-letter-id': letter.id },
      el('div', { class: 'letter-body' },
        el('h3', { text: app.t('failed_at', { when: when(app, letter.failed_at) }) }),
        el('dl', { class: 'summary-list' }, ...pairs.flatMap(([key]) => [el('dt', { text: app.t(key) }), values[key]])),
        el('details', {}, el('summary', { text: app.t('payload') }),
          el('pre', { tabindex: '0', text: JSON.stringify(payload, null, 2) })),
        el('div', { class: 'actions' }, again),
        result));
    again.addEventListener('click', async () => {
      again.disabled = true;
      result.hidden = false;
      result.className = 'letter-result';
      result.textContent = app.t('sending');
      try {
        const answer = await app.api(`/v1/pricing/dead-letters/${encodeURIComponent(letter.id)}/replay`,
          { method: 'POST', signal: app.signal });
        const [kept] = answer.failed || [];
        if (!kept) {
          removeApplied();
          return;
        }
        values.error.textContent = kept.error_code;
        values.reason.textContent = kept.reason;
        result.className = 'letter-result error';
        result.textContent = app.t('still_failing', { message: kept.reason });
      } catch (error) {
        if (error.name === 'AbortError') return; // the screen was left
        if (error.code === 'DEAD_LETTER_NOT_FOUND') {
          removeApplied(); // replayed meanwhile (another tab, the CLI): nothing is left to send
          return;
        }
        result.className = 'letter-result error';
        result.textContent = app.t('still_failing', { message: errorText(app, error) });
      } finally {
        again.disabled = false;
      }
    });
    function removeApplied() {
      // Applied: the letter is gone, so is its card; the screen's status says so and focus moves on.
      item.remove();
      showCount();
      status.textContent = app.t('applied', { event: eventId });
      heading.focus();
    }
    return item;
  }

  // A click's load has no caller to hand an AbortError to: leaving the screen ends it quietly.
  refresh.addEventListener('click', () => load().catch((error) => {
    if (error.name !== 'AbortError') status.textContent = errorText(app, error);
  }));
  root.replaceChildren(el('div', { class: 'merchant-screen' },
    el('h1', { text: app.t('title') }),
    el('p', { class: 'lead', text: app.t('intro') }),
    el('p', { class: 'card', text: app.t('replay_note') }),
    el('div', { class: 'actions' }, refresh),
    status,
    heading,
    list));
  await load();
}
