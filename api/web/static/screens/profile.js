// What pakka keeps about the shopper: the measurements from scans (never a photo), the consent they were kept
// under (withdrawing it deletes them), the language, and "delete everything about me" (DELETE /v1/users/{id}).

export const strings = {
  en: {
    title: 'Your profile',
    account: 'Account', userId: 'Your id', role: 'Role',
    measurements: 'Stored measurements',
    noMeasurements: 'None stored.',
    foot: 'Foot', face: 'Face', body: 'Body',
    scanNow: 'Scan',
    length_mm: 'Length (mm)', width_mm: 'Width (mm)', length_sigma_mm: 'Length uncertainty (mm)', width_sigma_mm: 'Width uncertainty (mm)',
    height_cm: 'Height (cm)', chest: 'Chest (cm)', waist: 'Waist (cm)', hip: 'Hips (cm)', shoulder_width: 'Shoulders (cm)', inseam: 'Inseam (cm)',
    skin_type: 'Skin type', undertone: 'Undertone', monk_band: 'Skin tone band', shine: 'Shine', redness: 'Redness',
    sensitivity: 'Sensitivity', ita_deg: 'Skin tone angle (°)', concerns: 'Concerns',
    consent: 'Consent',
    consentOn: 'You allowed pakka to keep measurements from your scans.',
    consentOff: 'You have not allowed pakka to keep measurements from scans.',
    withdraw: 'Withdraw consent and delete my measurements',
    grant: 'Allow measurements to be kept',
    withdrawn: 'Consent withdrawn: your measurements are deleted.',
    granted: 'Consent recorded.',
    language: 'Language',
    erase: 'Delete everything about me',
    eraseText: 'This erases your measurements, consents, cart, feedback, chat conversations and remembered preferences, and signs you out. Orders stay for accounting, under an anonymous id.',
    eraseConfirm: 'Type DELETE to confirm',
    eraseButton: 'Delete everything',
    eraseWord: 'DELETE',
    erased: 'Everything about you is deleted.',
  },
  hi: {
    title: 'आपकी प्रोफ़ाइल',
    account: 'खाता', userId: 'आपकी पहचान', role: 'भूमिका',
    measurements: 'सहेजे गए माप',
    noMeasurements: 'कुछ सहेजा नहीं गया।',
    foot: 'पैर', face: 'चेहरा', body: 'शरीर',
    scanNow: 'स्कैन करें',
    length_mm: 'लंबाई (मिमी)', width_mm: 'चौड़ाई (मिमी)', length_sigma_mm: 'लंबाई की अनिश्चितता (मिमी)', width_sigma_mm: 'चौड़ाई की अनिश्चितता (मिमी)',
    height_cm: 'ऊँचाई (सेमी)', chest: 'छाती (सेमी)', waist: 'कमर (सेमी)', hip: 'कूल्हे (सेमी)', shoulder_width: 'कंधे (सेमी)', inseam: 'इनसीम (सेमी)',
    skin_type: 'त्वचा की किस्म', undertone: 'अंडरटोन', monk_band: 'त्वचा का रंग-स्तर', shine: 'चमक', redness: 'लाली',
    sensitivity: 'संवेदनशीलता', ita_deg: 'त्वचा का रंग-कोण (°)', concerns: 'चिंताएँ',
    consent: 'सहमति',
    consentOn: 'आपने पक्का को स्कैन के माप रखने की अनुमति दी है।',
    consentOff: 'आपने पक्का को स्कैन के माप रखने की अनुमति नहीं दी है।',
    withdraw: 'सहमति वापस लें और मेरे माप मिटाएँ',
    grant: 'माप रखने की अनुमति दें',
    withdrawn: 'सहमति वापस ली गई: आपके माप मिटा दिए गए।',
    granted: 'सहमति दर्ज हुई।',
    language: 'भाषा',
    erase: 'मेरे बारे में सब कुछ मिटाएँ',
    eraseText: 'इससे आपके माप, सहमतियाँ, कार्ट, फ़ीडबैक, बातचीत और याद रखी पसंद मिट जाएँगी, और आप साइन आउट हो जाएँगे। हिसाब के लिए ऑर्डर एक गुमनाम पहचान के साथ रहते हैं।',
    eraseConfirm: 'पुष्टि के लिए DELETE लिखें',
    eraseButton: 'सब कुछ मिटाएँ',
    eraseWord: 'DELETE',
    erased: 'आपके बारे में सब कुछ मिटा दिया गया।',
  },
};

function shown(value) {
  if (Array.isArray(value)) return value.join(', ') || '–';
  if (typeof value === 'number') return String(Math.round(value * 10) / 10);
  return String(value);
}

export async function render(root, app) {
  const el = app.el.bind(app);
  const t = app.t.bind(app);
  const session = app.session;
  const path = `/v1/users/${encodeURIComponent(session.user_id)}`;
  const status = el('p', {class: 'error', role: 'alert'});
  root.append(el('h1', {text: t('title')}), status);

  let profile;
  try {
    profile = await app.api(path, {signal: app.signal});
  } catch (error) {
    if (error.name !== 'AbortError') status.textContent = error.message;
    return;
  }

  const measurements = el('section', {'aria-labelledby': 'm-title'}, el('h2', {id: 'm-title', text: t('measurements')}));
  for (const kind of ['foot', 'face', 'body']) {
    const values = profile.measurements[kind];
    const rows = values ? Object.entries(values).filter(([name]) => !name.endsWith('_sigma'))
      .flatMap(([name, value]) => [el('dt', {text: t(name)}), el('dd', {text: shown(value)})]) : [];
    measurements.append(el('div', {class: 'card', 'data-kind': kind},
      el('h3', {text: t(kind)}),
      rows.length ? el('dl', {class: 'pairs'}, rows) : el('p', {class: 'muted', text: t('noMeasurements')}),
      el('a', {href: `#/scan?kind=${kind}`, text: `${t('scanNow')}: ${t(kind)}`})));
  }

  const consentButton = el('button', {type: 'button', class: profile.biometric_consent ? 'danger' : 'primary',
    text: t(profile.biometric_consent ? 'withdraw' : 'grant'), 'on:click': async () => {
      consentButton.disabled = true;
      try {
        await app.api('/v1/consent', {json: {consent_type: 'biometric', granted: !profile.biometric_consent}});
        app.toast(t(profile.biometric_consent ? 'withdrawn' : 'granted'));
        app.navigate('#/profile');
      } catch (error) {
        status.textContent = error.message;
        consentButton.disabled = false;
      }
    }});
  const consent = el('section', {class: 'card', 'aria-labelledby': 'c-title'},
    el('h2', {id: 'c-title', text: t('consent')}),
    el('p', {text: t(profile.biometric_consent ? 'consentOn' : 'consentOff')}),
    el('div', {class: 'actions'}, consentButton));

  const language = el('section', {class: 'card', 'aria-labelledby': 'l-title'},
    el('h2', {id: 'l-title', text: t('language')}),
    el('div', {class: 'actions', role: 'group', 'aria-labelledby': 'l-title'},
      el('button', {type: 'button', lang: 'en', 'aria-pressed': String(app.lang === 'en'), text: 'English',
        'on:click': () => app.setLang('en')}),
      el('button', {type: 'button', lang: 'hi', 'aria-pressed': String(app.lang === 'hi'), text: 'हिन्दी',
        'on:click': () => app.setLang('hi')})));

  const word = el('input', {id: 'erase-confirm', type: 'text', autocomplete: 'off', 'aria-describedby': 'erase-text'});
  const eraseButton = el('button', {type: 'submit', class: 'danger primary', text: t('eraseButton')});
  const erase = el('section', {class: 'card', 'aria-labelledby': 'e-title'},
    el('h2', {id: 'e-title', text: t('erase')}),
    el('p', {id: 'erase-text', text: t('eraseText')}),
    el('form', {'on:submit': async (event) => {
      event.preventDefault();
      if (word.value.trim().toUpperCase() !== t('eraseWord')) {
        word.setAttribute('aria-invalid', 'true');
        word.focus();
        return;
      }
      eraseButton.disabled = true;
      try {
        await app.api(path, {method: 'DELETE'});
        localStorage.removeItem(`pakka.chat.${session.user_id}`);
        localStorage.removeItem(`pakka.region.${session.user_id}`);
        app.signOut({message: 'erased'});
      } catch (error) {
        status.textContent = error.message;
        eraseButton.disabled = false;
      }
    }},
    el('div', {class: 'field'}, el('label', {for: 'erase-confirm', text: t('eraseConfirm')}), word),
    el('div', {class: 'actions'}, eraseButton)));

  root.append(
    el('section', {class: 'card', 'aria-labelledby': 'a-title'}, el('h2', {id: 'a-title', text: t('account')}),
      el('dl', {class: 'pairs'}, el('dt', {text: t('userId')}), el('dd', {text: session.user_id}),
        el('dt', {text: t('role')}), el('dd', {text: session.role}))),
    measurements, consent, language, erase);
}
