// #/merchant/keys: the shop's API keys for server-to-server calls: list, create (the key is shown once, with a
// copy button), revoke (GET/POST /v1/auth/api-keys, DELETE /v1/auth/api-keys/{key_id}).

import { errorText, field, useStyles, when } from './merchant-common.js';

export const strings = {
  en: {
    title: 'API keys',
    intro: 'Your shop\'s servers send a key as the X-API-Key header to send sales or ask for prices. Keep keys secret; revoke one you no longer use.',
    create_heading: 'Create a key',
    f_name: 'What the key is for',
    h_name: 'For example: shop sync, billing app.',
    create: 'Create key',
    created: 'Key created.',
    new_key: 'Your new key',
    once: 'Copy it now: it is shown only this once and pakka keeps only a fingerprint of it.',
    copy: 'Copy',
    copied: 'Copied.',
    copy_failed: 'Could not copy: select the key and copy it yourself.',
    done: 'I have saved it',
    list_heading: 'Your keys',
    none: 'No keys yet.',
    created_at: 'Created {when}',
    revoked_at: 'Revoked {when}',
    active: 'Active',
    revoked: 'Revoked',
    revoke: 'Revoke',
    revoke_named: 'Revoke {name}',
    confirm: 'Yes, revoke {name}',
    keep: 'Keep it',
    confirm_text: 'Programs using this key stop working at once.',
    revoked_toast: 'Key {name} revoked.',
    name_needed: 'Say what the key is for.',
    error_generic: 'Something went wrong. Please try again.',
    cancelled: 'Stopped.',
  },
  hi: {
    title: 'API कुंजियाँ',
    intro: 'आपकी दुकान के सर्वर बिक्री भेजने या कीमत पूछने के लिए X-API-Key हेडर में कुंजी भेजते हैं। कुंजियाँ गुप्त रखें; जो काम की न हो उसे रद्द करें।',
    create_heading: 'नई कुंजी बनाएँ',
    f_name: 'यह कुंजी किस काम की है',
    h_name: 'जैसे: दुकान सिंक, बिलिंग ऐप।',
    create: 'कुंजी बनाएँ',
    created: 'कुंजी बन गई।',
    new_key: 'आपकी नई कुंजी',
    once: 'इसे अभी कॉपी करें: यह सिर्फ़ इसी बार दिखेगी, pakka इसकी सिर्फ़ एक छाप रखता है।',
    copy: 'कॉपी करें',
    copied: 'कॉपी हो गई।',
    copy_failed: 'कॉपी नहीं हुई: कुंजी चुनकर ख़ुद कॉपी करें।',
    done: 'मैंने सहेज ली',
    list_heading: 'आपकी कुंजियाँ',
    none: 'अभी कोई कुंजी नहीं।',
    created_at: '{when} को बनी',
    revoked_at: '{when} को रद्द',
    active: 'चालू',
    revoked: 'रद्द',
    revoke: 'रद्द करें',
    revoke_named: '{name} रद्द करें',
    confirm: 'हाँ, {name} रद्द करें',
    keep: 'रहने दें',
    confirm_text: 'इस कुंजी से चलने वाले प्रोग्राम तुरंत रुक जाएँगे।',
    revoked_toast: 'कुंजी {name} रद्द हुई।',
    name_needed: 'बताइए कि कुंजी किस काम की है।',
    error_generic: 'कुछ गड़बड़ हुई। कृपया फिर से कोशिश करें।',
    cancelled: 'रोक दिया गया।',
  },
};

export async function render(root, app) {
  useStyles('merchant.css');
  const el = app.el;
  const name = el('input', { type: 'text', name: 'name', maxlength: '100', autocomplete: 'off' });
  name.required = true;
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const once = el('div', { class: 'card key-once', hidden: true });
  const list = el('ul', { class: 'plain-list key-list', 'aria-labelledby': 'keys-heading' });
  const form = el('form', { class: 'card merchant-form', novalidate: true },
    el('h2', { text: app.t('create_heading') }),
    field(app, 'key-name', 'f_name', name, 'h_name'),
    el('div', { class: 'actions' }, el('button', { type: 'submit', class: 'primary', text: app.t('create') })),
    status);

  async function load() {
    const answer = await app.api('/v1/auth/api-keys', { signal: app.signal });
    const items = [...(answer.items || [])].sort((a, b) => Boolean(a.revoked_at) - Boolean(b.revoked_at)
      || String(b.created_at).localeCompare(String(a.created_at)));
    list.replaceChildren(...(items.length ? items.map(keyRow) : [el('li', { class: 'muted', text: app.t('none') })]));
  }

  function keyRow(key) {
    const state = key.revoked_at
      ? el('span', { class: 'badge bad', text: app.t('revoked') })
      : el('span', { class: 'badge ok', text: app.t('active') });
    const meta = el('div', { class: 'key-meta' },
      el('strong', { text: key.name }),
      el('span', { class: 'muted', text: app.t('created_at', { when: when(app, key.created_at) }) }),
      key.revoked_at ? el('span', { class: 'muted', text: app.t('revoked_at', { when: when(app, key.revoked_at) }) }) : null);
    const actions = el('div', { class: 'actions' });
    const row = el('li', { class: ['key-row', key.revoked_at && 'revoked'], 'data-key-id': key.key_id },
      meta, el('div', {}, state), actions);
    if (!key.revoked_at) {
      const ask = () => {
        const yes = el('button', { type: 'button', class: 'danger primary', text: app.t('confirm', { name: key.name }) });
        const no = el('button', { type: 'button', text: app.t('keep') });
        yes.addEventListener('click', async () => {
          yes.disabled = true;
          try {
            await app.api(`/v1/auth/api-keys/${encodeURIComponent(key.key_id)}`, { method: 'DELETE', signal: app.signal });
            status.textContent = app.t('revoked_toast', { name: key.name });
            await load();
            const renamed = list.querySelector(`[data-key-id="${CSS.escape(key.key_id)}"] strong`);
            renamed?.setAttribute('tabindex', '-1');
            renamed?.focus();
          } catch (error) {
            yes.disabled = false;
            status.textContent = errorText(app, error);
          }
        });
        no.addEventListener('click', () => {
          idle();
          actions.querySelector('button')?.focus();
        });
        actions.replaceChildren(el('p', { class: 'hint', text: app.t('confirm_text') }), yes, no);
        yes.focus();
      };
      const idle = () => actions.replaceChildren(el('button', {
        type: 'button', class: 'danger', text: app.t('revoke'), 'aria-label': app.t('revoke_named', { name: key.name }),
        'on:click': ask,
      }));
      idle();
    }
    return row;
  }

  function showOnce(created) {
    const input = el('input', { type: 'text', id: 'new-key', readonly: true, value: created.api_key, spellcheck: 'false' });
    const copied = el('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
    const copy = el('button', { type: 'button', class: 'primary', text: app.t('copy') });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        copied.textContent = app.t('copied');
      } catch {
        input.select();
        copied.textContent = app.t('copy_failed');
      }
    });
    const dismiss = el('button', { type: 'button', text: app.t('done') });
    dismiss.addEventListener('click', () => {
      once.hidden = true;
      once.replaceChildren();
      name.focus();
    });
    once.replaceChildren(
      el('label', { for: 'new-key', class: 'label', text: app.t('new_key') }),
      el('p', { text: app.t('once') }),
      input,
      el('div', { class: 'actions' }, copy, dismiss),
      copied);
    once.hidden = false;
    input.focus();
    input.select();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const wanted = name.value.trim();
    if (!wanted) {
      status.textContent = app.t('name_needed');
      name.focus();
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const created = await app.api('/v1/auth/api-keys', { json: { name: wanted }, signal: app.signal });
      status.textContent = app.t('created');
      name.value = '';
      showOnce(created);
      await load();
    } catch (error) {
      status.textContent = errorText(app, error);
    } finally {
      button.disabled = false;
    }
  });

  root.replaceChildren(el('div', { class: 'merchant-screen' },
    el('h1', { text: app.t('title') }),
    el('p', { class: 'lead', text: app.t('intro') }),
    form,
    once,
    el('h2', { id: 'keys-heading', text: app.t('list_heading') }),
    list));
  try {
    await load();
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    list.replaceChildren(el('li', { class: 'error', role: 'alert', text: errorText(app, error) }));
  }
}
