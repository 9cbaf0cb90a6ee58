// Sign in with a phone number and a one-time code (POST /v1/auth/otp, then /v1/auth/token).

export const strings = {
  en: {
    title: 'Sign in',
    intro: 'pakka finds the one product that fits you. Sign in with your mobile number: we send you a 6-digit code.',
    phone: 'Mobile number',
    phoneHint: '10 digits, or with +91',
    send: 'Send code',
    sending: 'Sending…',
    code: '6-digit code',
    codeHint: 'Sent to {phone}. It is valid for {minutes} minutes. On a pakka running on your own computer the code is printed in the server log.',
    verify: 'Sign in',
    verifying: 'Signing in…',
    otherPhone: 'Use another number',
    resend: 'Send a new code',
    badPhone: 'Enter a mobile number: 10 digits, or +91 and 10 digits.',
    badCode: 'The code has 6 digits.',
    INVALID_CODE: 'That code is not right. Tries left: {left}.',
    CODE_EXPIRED: 'That code has expired: ask for a new one.',
    RATE_LIMITED: 'Too many codes for this number. Wait a few minutes and try again.',
    welcome: 'Signed in.',
  },
  hi: {
    title: 'साइन इन',
    intro: 'पक्का आपके लिए वही प्रोडक्ट ढूँढता है जो आप पर फ़िट हो। अपने मोबाइल नंबर से साइन इन करें: हम 6 अंकों का कोड भेजेंगे।',
    phone: 'मोबाइल नंबर',
    phoneHint: '10 अंक, या +91 के साथ',
    send: 'कोड भेजें',
    sending: 'भेज रहे हैं…',
    code: '6 अंकों का कोड',
    codeHint: '{phone} पर भेजा गया। यह {minutes} मिनट तक मान्य है। अपने कंप्यूटर पर चल रहे पक्का में कोड सर्वर लॉग में दिखता है।',
    verify: 'साइन इन करें',
    verifying: 'साइन इन हो रहा है…',
    otherPhone: 'दूसरा नंबर इस्तेमाल करें',
    resend: 'नया कोड भेजें',
    badPhone: 'मोबाइल नंबर डालें: 10 अंक, या +91 और 10 अंक।',
    badCode: 'कोड में 6 अंक होते हैं।',
    INVALID_CODE: 'कोड सही नहीं है। बाकी कोशिशें: {left}।',
    CODE_EXPIRED: 'कोड की समय-सीमा खत्म हो गई: नया कोड माँगें।',
    RATE_LIMITED: 'इस नंबर के लिए बहुत सारे कोड माँगे गए। कुछ मिनट रुककर फिर कोशिश करें।',
    welcome: 'साइन इन हो गया।',
  },
};

const PHONE = /^(\+?\d[\d\s-]{7,18}\d)$/;

export async function render(root, app, params) {
  const el = app.el.bind(app);
  const t = app.t.bind(app);
  let phone = '';

  const status = el('p', {class: 'error', role: 'alert', id: 'signin-error'});
  const say = (message) => { status.textContent = message || ''; };
  const explain = (error) => {
    if (error.code === 'INVALID_CODE') return t('INVALID_CODE', {left: error.details.attempts_left ?? '?'});
    if (['CODE_EXPIRED', 'RATE_LIMITED'].includes(error.code)) return t(error.code);
    return error.message;
  };

  const phoneInput = el('input', {id: 'phone', name: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel',
    required: true, 'aria-describedby': 'phone-hint signin-error'});
  const sendButton = el('button', {type: 'submit', class: 'primary', text: t('send')});
  const phoneForm = el('form', {'on:submit': async (event) => {
    event.preventDefault();
    const value = phoneInput.value.trim();
    if (!PHONE.test(value)) {
      say(t('badPhone'));
      phoneInput.setAttribute('aria-invalid', 'true');
      phoneInput.focus();
      return;
    }
    phoneInput.removeAttribute('aria-invalid');
    say('');
    sendButton.disabled = true;
    sendButton.textContent = t('sending');
    try {
      const sent = await app.api('/v1/auth/otp', {json: {phone: value}});
      phone = value;
      showCode(Math.round((sent.expires_in || 300) / 60));
    } catch (error) {
      say(explain(error));
    } finally {
      sendButton.disabled = false;
      sendButton.textContent = t('send');
    }
  }},
  el('div', {class: 'field'},
    el('label', {for: 'phone', text: t('phone')}),
    phoneInput,
    el('span', {class: 'hint', id: 'phone-hint', text: t('phoneHint')})),
  el('div', {class: 'actions'}, sendButton));

  const codeInput = el('input', {id: 'code', name: 'code', type: 'text', inputmode: 'numeric',
    autocomplete: 'one-time-code', maxlength: '6', required: true, 'aria-describedby': 'code-hint signin-error'});
  const codeHint = el('span', {class: 'hint', id: 'code-hint'});
  const verifyButton = el('button', {type: 'submit', class: 'primary', text: t('verify')});
  const codeForm = el('form', {hidden: true, 'on:submit': async (event) => {
    event.preventDefault();
    const code = codeInput.value.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      say(t('badCode'));
      codeInput.setAttribute('aria-invalid', 'true');
      codeInput.focus();
      return;
    }
    codeInput.removeAttribute('aria-invalid');
    say('');
    verifyButton.disabled = true;
    verifyButton.textContent = t('verifying');
    try {
      const pair = await app.api('/v1/auth/token', {json: {phone, code}});
      app.signIn(pair);
      app.toast(t('welcome'));
      const next = params.next && params.next.startsWith('/') ? `#${params.next}` : app.homeFor();
      app.navigate(next);
    } catch (error) {
      say(explain(error));
      verifyButton.disabled = false;
      verifyButton.textContent = t('verify');
    }
  }},
  el('div', {class: 'field'},
    el('label', {for: 'code', text: t('code')}),
    codeInput,
    codeHint),
  el('div', {class: 'actions'},
    verifyButton,
    el('button', {type: 'button', class: 'link', text: t('otherPhone'), 'on:click': () => {
      codeForm.hidden = true;
      phoneForm.hidden = false;
      say('');
      phoneInput.focus();
    }})));

  function showCode(minutes) {
    phoneForm.hidden = true;
    codeForm.hidden = false;
    codeHint.textContent = t('codeHint', {phone, minutes});
    codeInput.value = '';
    codeInput.focus();
  }

  root.append(
    el('h1', {text: t('title')}),
    el('p', {text: t('intro')}),
    el('div', {class: 'card'}, phoneForm, codeForm, status));
}
