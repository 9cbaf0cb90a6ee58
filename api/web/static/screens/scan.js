// Foot, face and body scans: consent in plain words first, then the rear camera with a capture guide and live
// feedback (the phone's tilt and the light, checked here; every few seconds the server's own scan checks on a
// small frame, POST /v1/scan/{kind}/check: "move back, a corner is cut off"), and a file upload for phones
// without a camera. The photo goes to POST /v1/scan/{kind} and is
// never kept: only the derived measurements are.

const KINDS = ['foot', 'face', 'body'];
const CATEGORY = {foot: 'footwear', face: 'skincare', body: 'apparel'};

export const strings = {
  en: {
    title: 'Scan',
    foot: 'Foot', face: 'Face', body: 'Body',
    kinds: 'What to scan',
    heading_foot: 'Scan your foot', heading_face: 'Scan your face', heading_body: 'Scan your body',
    consentTitle: 'Before you start',
    measured: 'What is measured',
    measured_foot: 'The length and width of your foot, in millimetres, from one photo of your foot on a sheet of A4 paper.',
    measured_face: 'Your skin tone band, undertone, shine and redness, from one selfie in daylight, plus the skin type you tell us.',
    measured_body: 'Your shoulder, chest, waist, hip and inseam in centimetres, from a full-length photo and your height.',
    kept: 'What is kept',
    keptText: 'Only those numbers, so that sizes fit next time. The photo stays in the server’s memory for a few seconds while it is measured, then it is gone: it is never saved, stored or logged.',
    erase: 'How to erase it',
    eraseText: 'Open Profile: withdraw consent to delete the measurements, or “Delete everything about me” to erase your account.',
    agree: 'I agree: start the scan',
    notNow: 'Not now',
    declined: 'No problem. You can still chat and browse; sizes will be less certain.',
    how_foot: 'Put an A4 sheet on the floor against a wall. Stand on it with your heel touching the wall. Hold the phone flat above your foot so the whole sheet fits inside the outline.',
    how_face: 'Face a window in daylight, no make-up or filters. Hold the phone upright at arm’s length with your face inside the oval.',
    how_body: 'Stand 2–3 metres from the phone in fitted clothes, arms a little away from your body, your whole body inside the outline.',
    camera: 'Camera preview with a guide outline',
    startCamera: 'Start the camera',
    capture: 'Take photo',
    measuring: 'Measuring…',
    upload: 'Or upload a photo',
    uploadHint: 'JPEG, PNG or WebP, up to 10 MB.',
    noCamera: 'The camera is not available here ({reason}). Upload a photo instead.',
    cameraDenied: 'camera permission was refused',
    cameraMissing: 'no camera found',
    height: 'Your height (cm)',
    heightHint: 'Needed to turn the photo into centimetres.',
    skinType: 'Your skin type (optional)',
    sensitivity: 'How sensitive is your skin? (optional)',
    unknown: 'Not sure',
    dry: 'Dry', oily: 'Oily', combination: 'Combination', normal: 'Normal',
    low: 'Not sensitive', medium: 'A little sensitive', high: 'Very sensitive',
    tiltFlat: 'Hold the phone flat, screen facing up, straight above your foot.',
    tiltUpright: 'Hold the phone upright.',
    tiltOk: 'Good: the phone is level.',
    dark: 'Too dark: turn on a light or move near a window.',
    lightOk: 'The light is good.',
    frameOk: 'Looks good: hold still and take the photo.',
    rejected: 'Let’s retake it',
    NO_SHEET: 'We can’t see the A4 sheet: put the whole sheet inside the outline.',
    SHEET_CUT_OFF: 'Move back: a corner of the sheet is cut off.',
    FOOT_OFF_SHEET: 'Put your whole foot on the sheet.',
    TOO_BLURRED: 'The photo is blurred: hold still and try again.',
    TOO_DARK: 'Too dark: turn on a light or move near a window.',
    MULTIPLE_FEET: 'Only one foot on the sheet, please.',
    HEEL_HIDDEN: 'Your shin hides your heel: take the photo from the side of your foot, or stand with your heel against a wall at the sheet’s edge.',
    TOES_HIDDEN: 'Your toes are hidden: move the phone so all the toes show.',
    NO_FACE: 'We can’t see a face: hold the phone at arm’s length, face inside the oval.',
    MULTIPLE_FACES: 'Only your face in the photo, please.',
    LANDMARKS_NOT_VISIBLE: 'We can’t see your whole body: step back until head and feet are inside the outline.',
    UNSUPPORTED_FORMAT: 'That file is not a photo we can read: use JPEG, PNG or WebP.',
    IMAGE_TOO_LARGE: 'That photo is too large: use one under 10 MB.',
    done: 'Measured',
    length: 'Foot length', width: 'Foot width', sizes: 'Your size',
    sizeLine: 'UK {uk} · EU {eu} · India {india}',
    plusMinus: '{value} ± {sigma} {unit}',
    seeResults: 'See what fits me',
    again: 'Scan again',
    stored: 'Saved to your profile (numbers only, no photo).',
    lengthFromBreadth: 'Your shin hid your heel, so the length is estimated from your foot’s width and is uncertain: for a size we can be sure of, scan again from the side of your foot.',
    shoulder_width: 'Shoulders', chest: 'Chest', waist: 'Waist', hip: 'Hips', inseam: 'Inseam',
    skin_type: 'Skin type', undertone: 'Undertone', monk_band: 'Skin tone band (1–10)', shine: 'Shine', redness: 'Redness',
    ingredientsGood: 'Ingredients that suit you', ingredientsAvoid: 'Ingredients to avoid',
  },
  hi: {
    title: 'स्कैन',
    foot: 'पैर', face: 'चेहरा', body: 'शरीर',
    kinds: 'क्या स्कैन करें',
    heading_foot: 'अपना पैर स्कैन करें', heading_face: 'अपना चेहरा स्कैन करें', heading_body: 'अपना शरीर स्कैन करें',
    consentTitle: 'शुरू करने से पहले',
    measured: 'क्या मापा जाता है',
    measured_foot: 'आपके पैर की लंबाई और चौड़ाई (मिलीमीटर में), A4 कागज़ पर रखे पैर की एक फ़ोटो से।',
    measured_face: 'आपकी त्वचा का रंग-स्तर, अंडरटोन, चमक और लाली, दिन की रोशनी में ली गई एक सेल्फ़ी से, और आपकी बताई त्वचा की किस्म।',
    measured_body: 'कंधे, छाती, कमर, कूल्हे और इनसीम (सेंटीमीटर में), पूरी लंबाई की फ़ोटो और आपकी ऊँचाई से।',
    kept: 'क्या रखा जाता है',
    keptText: 'सिर्फ़ ये संख्याएँ, ताकि अगली बार साइज़ सही बैठे। फ़ोटो मापते समय कुछ सेकंड सर्वर की मेमोरी में रहती है, फिर मिट जाती है: वह कभी सहेजी, स्टोर या लॉग नहीं होती।',
    erase: 'इसे कैसे मिटाएँ',
    eraseText: 'प्रोफ़ाइल खोलें: माप मिटाने के लिए सहमति वापस लें, या खाता मिटाने के लिए “मेरे बारे में सब कुछ मिटाएँ” चुनें।',
    agree: 'मैं सहमत हूँ: स्कैन शुरू करें',
    notNow: 'अभी नहीं',
    declined: 'कोई बात नहीं। आप बातचीत और खरीदारी कर सकते हैं; साइज़ कम पक्के होंगे।',
    how_foot: 'A4 कागज़ को दीवार से सटाकर फ़र्श पर रखें। एड़ी दीवार से लगाकर उस पर खड़े हों। फ़ोन को पैर के ठीक ऊपर सीधा (समतल) रखें ताकि पूरा कागज़ आउटलाइन में आए।',
    how_face: 'दिन की रोशनी में खिड़की की ओर मुँह करें, बिना मेकअप या फ़िल्टर। फ़ोन को हाथ भर दूर सीधा पकड़ें, चेहरा अंडाकार के अंदर।',
    how_body: 'फ़ोन से 2–3 मीटर दूर फ़िटिंग वाले कपड़ों में खड़े हों, हाथ शरीर से थोड़े दूर, पूरा शरीर आउटलाइन के अंदर।',
    camera: 'गाइड आउटलाइन के साथ कैमरा',
    startCamera: 'कैमरा शुरू करें',
    capture: 'फ़ोटो लें',
    measuring: 'माप रहे हैं…',
    upload: 'या फ़ोटो अपलोड करें',
    uploadHint: 'JPEG, PNG या WebP, 10 MB तक।',
    noCamera: 'यहाँ कैमरा उपलब्ध नहीं है ({reason})। इसके बजाय फ़ोटो अपलोड करें।',
    cameraDenied: 'कैमरे की अनुमति नहीं मिली',
    cameraMissing: 'कोई कैमरा नहीं मिला',
    height: 'आपकी ऊँचाई (सेमी)',
    heightHint: 'फ़ोटो को सेंटीमीटर में बदलने के लिए ज़रूरी।',
    skinType: 'आपकी त्वचा की किस्म (वैकल्पिक)',
    sensitivity: 'आपकी त्वचा कितनी संवेदनशील है? (वैकल्पिक)',
    unknown: 'पता नहीं',
    dry: 'रूखी', oily: 'तैलीय', combination: 'मिली-जुली', normal: 'सामान्य',
    low: 'संवेदनशील नहीं', medium: 'थोड़ी संवेदनशील', high: 'बहुत संवेदनशील',
    tiltFlat: 'फ़ोन को समतल रखें, स्क्रीन ऊपर, पैर के ठीक ऊपर।',
    tiltUpright: 'फ़ोन को सीधा खड़ा पकड़ें।',
    tiltOk: 'बढ़िया: फ़ोन सीधा है।',
    dark: 'बहुत अँधेरा है: लाइट जलाएँ या खिड़की के पास जाएँ।',
    lightOk: 'रोशनी ठीक है।',
    frameOk: 'बढ़िया: स्थिर रहें और फ़ोटो लें।',
    rejected: 'फिर से लेते हैं',
    NO_SHEET: 'A4 कागज़ नहीं दिख रहा: पूरा कागज़ आउटलाइन के अंदर रखें।',
    SHEET_CUT_OFF: 'थोड़ा पीछे हटें: कागज़ का एक कोना कट रहा है।',
    FOOT_OFF_SHEET: 'पूरा पैर कागज़ पर रखें।',
    TOO_BLURRED: 'फ़ोटो धुंधली है: स्थिर रहकर फिर कोशिश करें।',
    TOO_DARK: 'बहुत अँधेरा है: लाइट जलाएँ या खिड़की के पास जाएँ।',
    MULTIPLE_FEET: 'कागज़ पर सिर्फ़ एक पैर रखें।',
    HEEL_HIDDEN: 'पिंडली एड़ी को छिपा रही है: पैर के बगल से फ़ोटो लें, या शीट के किनारे पर एड़ी दीवार से सटाकर खड़े हों।',
    TOES_HIDDEN: 'उँगलियाँ छिप रही हैं: फ़ोन ऐसे रखें कि सारी उँगलियाँ दिखें।',
    NO_FACE: 'चेहरा नहीं दिख रहा: फ़ोन हाथ भर दूर रखें, चेहरा अंडाकार के अंदर।',
    MULTIPLE_FACES: 'फ़ोटो में सिर्फ़ आपका चेहरा हो।',
    LANDMARKS_NOT_VISIBLE: 'पूरा शरीर नहीं दिख रहा: पीछे हटें ताकि सिर से पैर तक आउटलाइन में आए।',
    UNSUPPORTED_FORMAT: 'यह फ़ाइल पढ़ी नहीं जा सकी: JPEG, PNG या WebP इस्तेमाल करें।',
    IMAGE_TOO_LARGE: 'फ़ोटो बहुत बड़ी है: 10 MB से छोटी फ़ोटो लें।',
    done: 'माप लिया गया',
    length: 'पैर की लंबाई', width: 'पैर की चौड़ाई', sizes: 'आपका साइज़',
    sizeLine: 'UK {uk} · EU {eu} · भारत {india}',
    plusMinus: '{value} ± {sigma} {unit}',
    seeResults: 'मुझ पर क्या फ़िट होगा',
    again: 'फिर से स्कैन करें',
    stored: 'आपकी प्रोफ़ाइल में सहेजा गया (सिर्फ़ संख्याएँ, फ़ोटो नहीं)।',
    lengthFromBreadth: 'पिंडली ने एड़ी छिपा दी, इसलिए लंबाई पैर की चौड़ाई से अनुमानित है और पक्की नहीं: पक्के साइज़ के लिए पैर के बगल से फिर स्कैन करें।',
    shoulder_width: 'कंधे', chest: 'छाती', waist: 'कमर', hip: 'कूल्हे', inseam: 'इनसीम',
    skin_type: 'त्वचा की किस्म', undertone: 'अंडरटोन', monk_band: 'त्वचा का रंग-स्तर (1–10)', shine: 'चमक', redness: 'लाली',
    ingredientsGood: 'आपके लिए सही सामग्री', ingredientsAvoid: 'इनसे बचें',
  },
};

// The capture guide drawn over the camera: where the sheet and foot, the face, or the body go.
const GUIDES = {
  foot: '<rect x="18" y="8" width="64" height="84" rx="2" fill="none" stroke="#fff" stroke-width="1.2" stroke-dasharray="4 2"/>' +
    '<path d="M50 82c-8 0-11-7-11-17 0-14 2-30 5-40 2-7 11-7 13 0 3 10 4 26 4 40 0 10-3 17-11 17z" fill="none" stroke="#ffd54f" stroke-width="1.2"/>',
  face: '<ellipse cx="50" cy="45" rx="24" ry="32" fill="none" stroke="#fff" stroke-width="1.2" stroke-dasharray="4 2"/>',
  body: '<circle cx="50" cy="14" r="7" fill="none" stroke="#fff" stroke-width="1.2"/>' +
    '<path d="M50 21v34M36 30l14-4 14 4M40 30l-6 24M60 30l6 24M50 55l-8 38M50 55l8 38" fill="none" stroke="#fff" stroke-width="1.2" stroke-dasharray="4 2"/>',
};

function round(value, digits = 0) {
  const factor = 10 ** digits;
  return Math.round(Number(value) * factor) / factor;
}

export async function render(root, app, params) {
  const el = app.el.bind(app);
  const t = app.t.bind(app);
  const kind = KINDS.includes(params.kind) ? params.kind : 'foot';
  const session = app.session;

  root.append(
    el('h1', {text: t(`heading_${kind}`)}),
    el('nav', {class: 'tabs', 'aria-label': t('kinds')}, KINDS.map((name) => el('a', {href: `#/scan?kind=${name}`,
      'aria-current': name === kind ? 'page' : null, text: t(name)}))));
  const body = el('div');
  root.append(body);

  let consented = false;
  try {
    const profile = await app.api(`/v1/users/${encodeURIComponent(session.user_id)}`, {signal: app.signal});
    consented = profile.biometric_consent;
  } catch (error) {
    if (error.name === 'AbortError') return;
    // Offline or not a shopper: ask for consent; recording it will say what went wrong.
  }
  if (consented) showCapture();
  else showConsent();

  function showConsent() {
    const status = el('p', {class: 'error', role: 'alert'});
    const agree = el('button', {type: 'button', class: 'primary', text: t('agree'), 'on:click': async () => {
      agree.disabled = true;
      try {
        await app.api('/v1/consent', {json: {consent_type: 'biometric', granted: true}});
        showCapture();
      } catch (error) {
        status.textContent = error.message;
        agree.disabled = false;
      }
    }});
    body.replaceChildren(el('section', {class: 'card', 'aria-labelledby': 'consent-title'},
      el('h2', {id: 'consent-title', text: t('consentTitle')}),
      el('h3', {text: t('measured')}), el('p', {text: t(`measured_${kind}`)}),
      el('h3', {text: t('kept')}), el('p', {text: t('keptText')}),
      el('h3', {text: t('erase')}), el('p', {}, t('eraseText'), ' ', el('a', {href: '#/profile', text: t('navProfile')})),
      el('div', {class: 'actions'}, agree, el('button', {type: 'button', text: t('notNow'), 'on:click': () => {
        app.toast(t('declined'));
        app.navigate('#/chat');
      }})),
      status));
  }

  function showCapture() {
    const feedback = el('div', {class: 'feedback', role: 'status', 'aria-live': 'polite', id: 'scan-feedback'});
    const say = (lines, bad = false) => {
      feedback.classList.toggle('bad', bad);
      feedback.replaceChildren(...[].concat(lines).filter(Boolean).map((line) => el('p', {text: line})));
    };
    const video = el('video', {autoplay: true, muted: true, playsinline: true, 'aria-hidden': 'true'});
    const guide = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    guide.setAttribute('viewBox', '0 0 100 100');
    guide.setAttribute('preserveAspectRatio', 'none');
    guide.setAttribute('class', 'guide');
    guide.setAttribute('aria-hidden', 'true');
    guide.innerHTML = GUIDES[kind];
    const frame = el('div', {class: 'camera', role: 'img', 'aria-label': t('camera'), hidden: true}, video, guide);
    const captureButton = el('button', {type: 'button', class: 'primary', text: t('capture'), disabled: true, hidden: true});
    const startButton = el('button', {type: 'button', class: 'primary', text: t('startCamera')});
    const fileInput = el('input', {id: 'scan-file', type: 'file', accept: 'image/jpeg,image/png,image/webp',
      capture: kind === 'face' ? 'user' : 'environment', 'aria-describedby': 'scan-file-hint'});
    const extra = [];
    let height = null;
    let skinType = null;
    let sensitivity = null;
    if (kind === 'body') {
      height = el('input', {id: 'height', type: 'number', min: '100', max: '230', step: '1', inputmode: 'numeric',
        required: true, 'aria-describedby': 'height-hint'});
      extra.push(el('div', {class: 'field'}, el('label', {for: 'height', text: t('height')}), height,
        el('span', {class: 'hint', id: 'height-hint', text: t('heightHint')})));
    }
    if (kind === 'face') {
      const options = (names) => [el('option', {value: '', text: t('unknown')}),
        ...names.map((name) => el('option', {value: name, text: t(name)}))];
      skinType = el('select', {id: 'skin-type'}, options(['dry', 'oily', 'combination', 'normal']));
      sensitivity = el('select', {id: 'sensitivity'}, options(['low', 'medium', 'high']));
      extra.push(el('div', {class: 'field'}, el('label', {for: 'skin-type', text: t('skinType')}), skinType),
        el('div', {class: 'field'}, el('label', {for: 'sensitivity', text: t('sensitivity')}), sensitivity));
    }
    const result = el('div', {id: 'scan-result'});
    body.replaceChildren(
      el('p', {text: t(`how_${kind}`)}),
      ...extra,
      frame,
      feedback,
      el('div', {class: 'actions'}, startButton, captureButton),
      el('div', {class: 'field'}, el('label', {for: 'scan-file', text: t('upload')}), fileInput,
        el('span', {class: 'hint', id: 'scan-file-hint', text: t('uploadHint')})),
      result);

    let stream = null;
    let timer = null;
    let checkTimer = null;
    let checking = false;
    const checks = {tilt: null, light: null, frame: null};
    const frameLine = () => {
      if (!checks.frame) return null;
      if (checks.frame.ok) return t('frameOk');
      const known = checks.frame.reason && t(checks.frame.reason) !== checks.frame.reason;
      return known ? t(checks.frame.reason) : checks.frame.message;
    };
    const showChecks = () => {
      const bad = checks.tilt === false || checks.light === false || (checks.frame && !checks.frame.ok);
      // The server's verdict first; the phone's own checks add only what is wrong (or, alone, what is right).
      const lines = [frameLine(),
        checks.tilt === false ? t(kind === 'foot' ? 'tiltFlat' : 'tiltUpright') : null,
        checks.light === false && !(checks.frame && checks.frame.reason === 'TOO_DARK') ? t('dark') : null];
      if (!checks.frame && checks.tilt) lines.push(t('tiltOk'));
      if (!checks.frame && checks.light) lines.push(t('lightOk'));
      say(lines, bad);
    };
    // The server's scan checks on a small frame (at most 960 px, about 50 KB), one at a time.
    const checkFrame = () => {
      if (checking || !video.videoWidth || !stream) return;
      const scale = Math.min(1, 960 / Math.max(video.videoWidth, video.videoHeight));
      const small = el('canvas', {width: String(Math.round(video.videoWidth * scale)),
        height: String(Math.round(video.videoHeight * scale))});
      small.getContext('2d').drawImage(video, 0, 0, small.width, small.height);
      checking = true;
      small.toBlob(async (blob) => {
        try {
          const form = new FormData();
          form.append('image', blob, 'frame.jpg');
          const answer = await app.api(`/v1/scan/${kind}/check`, {form, signal: app.signal});
          if (!stream) return;
          checks.frame = answer;
          feedback.dataset.frame = answer.ok ? 'ok' : answer.reason;
          showChecks();
        } catch (error) {
          if (error.status === 429) clearInterval(checkTimer); // over the request budget: stop checking
        } finally {
          checking = false;
        }
      }, 'image/jpeg', 0.75);
    };
    const onTilt = (event) => {
      if (event.beta === null) return;
      const flat = Math.abs(event.beta) < 15 && Math.abs(event.gamma) < 15;
      const upright = Math.abs(event.beta) > 60;
      const ok = kind === 'foot' ? flat : upright;
      if (ok !== checks.tilt) {
        checks.tilt = ok;
        showChecks();
      }
    };
    const probe = el('canvas', {width: '32', height: '32'});
    const checkLight = () => {
      if (!video.videoWidth) return;
      const context = probe.getContext('2d', {willReadFrequently: true});
      context.drawImage(video, 0, 0, 32, 32);
      const pixels = context.getImageData(0, 0, 32, 32).data;
      let sum = 0;
      for (let i = 0; i < pixels.length; i += 4) sum += 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
      const ok = sum / (pixels.length / 4) > 45;
      if (ok !== checks.light) {
        checks.light = ok;
        showChecks();
      }
    };
    const stop = () => {
      if (stream) stream.getTracks().forEach((track) => track.stop());
      stream = null;
      clearInterval(timer);
      clearInterval(checkTimer);
      window.removeEventListener('deviceorientation', onTilt);
    };
    app.signal.addEventListener('abort', stop);

    async function startCamera() {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        say(t('noCamera', {reason: t('cameraMissing')}), true);
        startButton.hidden = true;
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({audio: false, video: {
          facingMode: {ideal: kind === 'face' ? 'user' : 'environment'},
          width: {ideal: 1920}, height: {ideal: 1080}}});
      } catch (error) {
        const reason = error.name === 'NotAllowedError' ? t('cameraDenied') : t('cameraMissing');
        say(t('noCamera', {reason}), true);
        startButton.hidden = true;
        return;
      }
      if (app.signal.aborted) return stop();
      video.srcObject = stream;
      frame.hidden = false;
      startButton.hidden = true;
      captureButton.hidden = false;
      captureButton.disabled = false;
      window.addEventListener('deviceorientation', onTilt);
      timer = setInterval(checkLight, 1000);
      checkTimer = setInterval(checkFrame, 2500);
    }

    startButton.addEventListener('click', startCamera);
    captureButton.addEventListener('click', () => {
      const canvas = el('canvas', {width: String(video.videoWidth), height: String(video.videoHeight)});
      canvas.getContext('2d').drawImage(video, 0, 0);
      canvas.toBlob((blob) => blob && send(blob, 'camera.jpg'), 'image/jpeg', 0.92);
    });
    fileInput.addEventListener('change', () => {
      const file = fileInput.files && fileInput.files[0];
      if (file) send(file, file.name);
      fileInput.value = '';
    });

    async function send(photo, name) {
      if (height && !height.reportValidity()) return;
      const form = new FormData();
      form.append('image', photo, name);
      if (height) form.append('height_cm', height.value);
      if (skinType && skinType.value) form.append('skin_type', skinType.value);
      if (sensitivity && sensitivity.value) form.append('sensitivity', sensitivity.value);
      captureButton.disabled = true;
      say(t('measuring'));
      result.replaceChildren();
      try {
        const answer = await app.api(`/v1/scan/${kind}`, {form, signal: app.signal});
        stop();
        frame.hidden = true;
        captureButton.hidden = true;
        startButton.hidden = true;
        say(t('stored'));
        showResult(answer);
      } catch (error) {
        if (error.name === 'AbortError') return;
        if (error.code === 'CONSENT_REQUIRED') return showConsent();
        const reason = error.details && error.details.reason;
        const known = reason && t(reason) !== reason;
        const lines = [t('rejected') + ':', known ? t(reason) : error.message];
        if (app.lang === 'en') lines.push(...(error.details.suggestions || []));
        say(lines, true);
      } finally {
        captureButton.disabled = !stream;
      }
    }

    function showResult(answer) {
      const rows = [];
      let estimated = null; // a note when the foot's length is an estimate (the shin hid the heel)
      const pair = (label, value) => rows.push(el('dt', {text: label}), el('dd', {text: value}));
      if (kind === 'foot') {
        const scan = answer.scan;
        pair(t('length'), t('plusMinus', {value: round(scan.length_mm), sigma: round(scan.length_sigma_mm, 1), unit: 'mm'}));
        pair(t('width'), t('plusMinus', {value: round(scan.width_mm), sigma: round(scan.width_sigma_mm, 1), unit: 'mm'}));
        if (answer.size_guidance) pair(t('sizes'), t('sizeLine', answer.size_guidance));
        if ((scan.quality?.issues || []).includes('length_from_breadth')) estimated = t('lengthFromBreadth');
      } else if (kind === 'face') {
        for (const name of ['skin_type', 'undertone', 'monk_band', 'shine', 'redness']) {
          const value = answer.scan[name] && answer.scan[name].value;
          if (value !== undefined && value !== null) pair(t(name), t(String(value)));
        }
      } else {
        for (const [name, measured] of Object.entries(answer.scan.measurements)) {
          pair(t(name), t('plusMinus', {value: round(measured.value), sigma: round(measured.sigma, 1), unit: 'cm'}));
        }
      }
      const guidance = answer.ingredients;
      result.replaceChildren(el('section', {class: 'card', 'aria-labelledby': 'scan-done'},
        el('h2', {id: 'scan-done', text: t('done')}),
        el('dl', {class: 'pairs'}, rows),
        estimated ? el('p', {class: 'hint', role: 'note', text: estimated}) : null,
        guidance && guidance.compatible && guidance.compatible.length ? el('p', {},
          el('strong', {text: t('ingredientsGood') + ': '}), guidance.compatible.join(', ')) : null,
        guidance && guidance.avoid && guidance.avoid.length ? el('p', {},
          el('strong', {text: t('ingredientsAvoid') + ': '}), guidance.avoid.join(', ')) : null,
        el('div', {class: 'actions'},
          el('a', {class: 'button primary', href: `#/results?category=${CATEGORY[kind]}`, text: t('seeResults')}),
          el('button', {type: 'button', text: t('again'), 'on:click': () => showCapture()}))));
      result.querySelector('h2').setAttribute('tabindex', '-1');
      result.querySelector('h2').focus();
    }
  }
}
