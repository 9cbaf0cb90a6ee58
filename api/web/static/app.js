// pakka's web app shell: hash routes, the signed-in session, API calls and Server-Sent Event streams, UI text
// in English and Hindi, and a few DOM helpers. Every screen is a module in ./screens/ that exports
// `strings = {en: {...}, hi: {...}}` and `async function render(root, app, params)` (api/web/README.md).

const TOKENS_KEY = 'pakka.tokens';
const LANG_KEY = 'pakka.lang';
const LANGS = ['en', 'hi'];

// Who may use a screen: the roles the API's access rules (api/auth.py ALLOWED) let through on every route the
// screen calls. SHOPPER routes (users, consent, scan, recommendations, threads): shoppers and admins; MERCHANT
// routes (pricing, API keys): merchants and admins; ORDERS routes (orders, sites): everyone signed in.
const SHOPPERS = ['shopper', 'admin'];
const MERCHANTS = ['merchant', 'admin'];
const EVERYONE = ['shopper', 'merchant', 'admin'];

// hash path -> screen module (./screens/<module>.js), the roles that may open it (`open`: no sign-in needed) and
// its nav link's text; the nav lists the links in this order, each only to the roles that may open it.
const ROUTES = {
  '/signin': {module: 'signin', open: true},
  '/scan': {module: 'scan', roles: SHOPPERS, nav: 'navScan'},
  '/results': {module: 'results', roles: SHOPPERS, nav: 'navResults'},
  '/chat': {module: 'chat', roles: SHOPPERS, nav: 'navChat'},
  '/orders': {module: 'orders', roles: EVERYONE, nav: 'navOrders'},
  '/profile': {module: 'profile', roles: SHOPPERS, nav: 'navProfile'},
  '/merchant/price': {module: 'merchant-price', roles: MERCHANTS, nav: 'navPrice'},
  '/merchant/import': {module: 'merchant-import', roles: MERCHANTS, nav: 'navImport'},
  '/merchant/dead-letters': {module: 'merchant-dead-letters', roles: MERCHANTS, nav: 'navDeadLetters'},
  '/merchant/keys': {module: 'merchant-keys', roles: MERCHANTS, nav: 'navKeys'},
  // The sites routes are ORDERS, but the wizard's review resumes the site's thread (/v1/threads: SHOPPER), so a
  // merchant could start a site and never finish it: the wizard is the business owner's (a shopper sign-in).
  '/sites': {module: 'sites', roles: SHOPPERS, nav: 'navSites'},
};
const STAFF_ROLES = new Set(MERCHANTS);

const STRINGS = {
  en: {
    appName: 'pakka',
    navScan: 'Scan', navResults: 'For you', navChat: 'Chat', navOrders: 'Orders', navProfile: 'Profile',
    navPrice: 'Price a listing', navImport: 'Sales import', navDeadLetters: 'Dead letters', navKeys: 'API keys',
    navSites: 'Site wizard', signOut: 'Sign out', skip: 'Skip to content', otherLanguage: 'हिन्दी',
    otherLanguageName: 'Switch to Hindi', loading: 'Loading…',
    offline: 'You are offline. Saved screens still open; anything that needs the server waits until you are back.',
    networkError: 'Could not reach pakka. Check your connection and try again.',
    genericError: 'Something went wrong: {message}', notFound: 'There is no such page.',
    screenFailed: 'This screen could not load. Reload the page when you are back online.',
    signedOut: 'You are signed out.', sessionEnded: 'Your sign-in ended. Please sign in again.',
    mainNav: 'Main',
    notForRole: 'This screen is not for your sign-in',
    notForRoleWhy: 'You are signed in as {role}, and this screen needs {roles}.',
    goHome: 'Go to your start page', role_shopper: 'a shopper', role_merchant: 'a merchant', role_admin: 'an admin',
    or: ' or ', refreshFailed: 'Could not renew your sign-in just now. Try again in a moment.',
  },
  hi: {
    appName: 'पक्का',
    navScan: 'स्कैन', navResults: 'आपके लिए', navChat: 'बातचीत', navOrders: 'ऑर्डर', navProfile: 'प्रोफ़ाइल',
    navPrice: 'लिस्टिंग की कीमत', navImport: 'बिक्री आयात', navDeadLetters: 'अटके संदेश', navKeys: 'API कुंजियाँ',
    navSites: 'साइट विज़ार्ड', signOut: 'साइन आउट', skip: 'मुख्य सामग्री पर जाएँ', otherLanguage: 'English',
    otherLanguageName: 'अंग्रेज़ी में देखें', loading: 'लोड हो रहा है…',
    offline: 'आप ऑफ़लाइन हैं। सहेजी गई स्क्रीन खुलती रहेंगी; सर्वर वाले काम नेटवर्क लौटने पर होंगे।',
    networkError: 'पक्का से जुड़ नहीं सके। अपना कनेक्शन जाँचें और फिर कोशिश करें।',
    genericError: 'कुछ गड़बड़ हुई: {message}', notFound: 'ऐसा कोई पेज नहीं है।',
    screenFailed: 'यह स्क्रीन लोड नहीं हुई। ऑनलाइन होने पर पेज फिर से लोड करें।',
    signedOut: 'आप साइन आउट हो गए।', sessionEnded: 'आपका साइन-इन खत्म हो गया। फिर से साइन इन करें।',
    mainNav: 'मुख्य',
    notForRole: 'यह स्क्रीन आपके साइन-इन के लिए नहीं है',
    notForRoleWhy: 'आपने {role} के रूप में साइन इन किया है, और इस स्क्रीन के लिए {roles} चाहिए।',
    goHome: 'अपने शुरुआती पेज पर जाएँ', role_shopper: 'ख़रीदार', role_merchant: 'व्यापारी', role_admin: 'एडमिन',
    or: ' या ', refreshFailed: 'अभी आपका साइन-इन नया नहीं हो सका। थोड़ी देर में फिर कोशिश करें।',
  },
};

/** A non-2xx answer in the project's error shape {"error": {code, message, details, correlation_id}}. */
export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details || {};
    // Field problems, whatever key the route used for them: [{field, reason}] or strings.
    this.problems = this.details.problems || this.details.errors || [];
  }
}

function readJson(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

/** [{slug, city}] of the regions pakka ships to: the server fills them into the shell (api/routes/web.py). */
function readRegions() {
  try {
    const regions = JSON.parse(document.getElementById('regions').textContent);
    return Array.isArray(regions) ? regions.filter((region) => region && typeof region.slug === 'string') : [];
  } catch {
    return [];
  }
}

/** The claims of a JWT access token (no signature check: the server checks it on every call). */
function claims(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = decodeURIComponent(Array.from(atob(part), (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join(''));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: keep the status line
  }
  const error = body && body.error ? body.error : {};
  return new ApiError(response.status, error.code || `HTTP_${response.status}`,
    error.message || response.statusText || 'request failed', error.details);
}

/** Reads Server-Sent Events from a fetch response body; calls onEvent(name, parsedData) for each event. */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const dispatch = (block) => {
    let name = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') name = value;
      else if (field === 'data') data.push(value);
    }
    if (!data.length) return;
    const text = data.join('\n');
    let parsed = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // plain text data stays a string
    }
    onEvent(name, parsed);
  };
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, {stream: true});
    const blocks = buffer.split(/\r?\n\r?\n/);
    buffer = blocks.pop();
    blocks.forEach(dispatch);
  }
  buffer += decoder.decode();
  if (buffer.trim()) dispatch(buffer);
}

class App {
  constructor() {
    this.lang = LANGS.includes(localStorage.getItem(LANG_KEY)) ? localStorage.getItem(LANG_KEY) : 'en';
    this.tokens = readJson(TOKENS_KEY, null);
    this.screenStrings = null;
    this.refreshing = null;
    this.controller = new AbortController();
    this.renderCount = 0;
    this.regions = readRegions();
  }

  // ---- session -------------------------------------------------------------------------------------------

  /** {role, tenant_id, user_id} of the signed-in person, or null when signed out. */
  get session() {
    if (!this.tokens || !this.tokens.access_token) return null;
    const c = claims(this.tokens.access_token);
    if (!c) return null;
    return {role: c.role || this.tokens.role, tenant_id: c.tenant_id, user_id: c.sub || this.tokens.user_id};
  }

  get isStaff() {
    return Boolean(this.session && STAFF_ROLES.has(this.session.role));
  }

  /** Whether the signed-in person's role may use the screen at `path` (a hash path such as '/scan'). */
  mayOpen(path) {
    const route = ROUTES[path];
    if (!route) return false;
    if (route.open) return true;
    return Boolean(this.session && route.roles.includes(this.session.role));
  }

  /** Keep the token pair of POST /v1/auth/token or /refresh (localStorage: a reload stays signed in). */
  signIn(pair) {
    this.tokens = pair;
    localStorage.setItem(TOKENS_KEY, JSON.stringify(pair));
    this.renderNav();
  }

  /** Forget the session here (and end it on the server when `tellServer`). */
  async signOut({tellServer = true, message = 'signedOut'} = {}) {
    const refresh = this.tokens && this.tokens.refresh_token;
    this.tokens = null;
    localStorage.removeItem(TOKENS_KEY);
    if (tellServer && refresh) {
      fetch('/v1/auth/logout', {method: 'POST', headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({refresh_token: refresh})}).catch(() => {});
    }
    this.renderNav();
    if (message) this.toast(this.t(message));
    this.navigate('#/signin');
  }

  /** A new token pair for the spent access token: 'ok', 'ended' (the server said 401: the sign-in is over) or
   * 'failed' (network, 429, 5xx: the sign-in may well be fine, try again later). Refresh tokens rotate and
   * spending one twice ends the whole sign-in (REFRESH_TOKEN_REUSED), so one refresh runs at a time across
   * every tab (a Web Lock), and a tab that waited first takes the pair another tab already got. */
  refresh() {
    if (!this.refreshing) {
      const spent = this.tokens && this.tokens.refresh_token;
      const run = async () => {
        const stored = readJson(TOKENS_KEY, null);
        if (!stored || !stored.refresh_token) return 'ended'; // signed out meanwhile
        if (stored.refresh_token !== spent) {
          this.tokens = stored; // another tab refreshed (or signed in) while this one waited
          return 'ok';
        }
        let response;
        try {
          response = await fetch('/v1/auth/refresh', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({refresh_token: spent})});
        } catch {
          return 'failed';
        }
        if (response.status === 401) return 'ended';
        if (!response.ok) return 'failed';
        this.signIn(await response.json());
        return 'ok';
      };
      const locked = navigator.locks ? navigator.locks.request('pakka-refresh', run) : run();
      this.refreshing = locked.catch(() => 'failed').finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------

  async send(path, {method, json, form, signal, accept = 'application/json'} = {}, retried = false) {
    const headers = {Accept: accept};
    let body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      body = form; // FormData: the browser sets the multipart boundary
    }
    if (this.tokens) headers.Authorization = `Bearer ${this.tokens.access_token}`;
    const verb = method || (body === undefined ? 'GET' : 'POST');
    let response;
    try {
      response = await fetch(path, {method: verb, headers, body, signal});
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ApiError(0, 'NETWORK', this.t('networkError'));
    }
    if (response.status === 401 && this.tokens && !retried && !path.startsWith('/v1/auth/')) {
      const outcome = await this.refresh();
      if (outcome === 'ok') return this.send(path, {method, json, form, signal, accept}, true);
      if (outcome === 'ended') this.signOut({tellServer: false, message: 'sessionEnded'});
      else throw new ApiError(0, 'REFRESH_FAILED', this.t('refreshFailed')); // still signed in: try again later
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  /** JSON body of a call to the API (null for 204); throws ApiError on a non-2xx answer. A body makes it a POST
   * unless `method` says otherwise. */
  async api(path, options = {}) {
    const response = await this.send(path, options);
    if (response.status === 204) return null;
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  /** POSTs and reads the answer as Server-Sent Events: onEvent(name, data) per event; resolves at the end. */
  async stream(path, {json, form, signal} = {}, onEvent = () => {}) {
    const response = await this.send(path, {method: 'POST', json: json === undefined && form === undefined ? {} : json,
      form, signal, accept: 'text/event-stream'});
    await readEvents(response, onEvent);
  }

  // ---- text ----------------------------------------------------------------------------------------------

  /** UI text for `key` in the current language (the screen's strings first, then the shell's); `{name}`
   * placeholders are filled from `vars`. */
  t(key, vars = {}) {
    const screen = this.screenStrings || {};
    const text = (screen[this.lang] && screen[this.lang][key]) ?? (STRINGS[this.lang] && STRINGS[this.lang][key])
      ?? (screen.en && screen.en[key]) ?? STRINGS.en[key] ?? key;
    return String(text).replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
  }

  setLang(lang) {
    this.lang = LANGS.includes(lang) ? lang : 'en';
    localStorage.setItem(LANG_KEY, this.lang);
    this.applyLang();
    this.render();
  }

  applyLang() {
    document.documentElement.lang = this.lang;
    const button = document.getElementById('lang');
    button.textContent = this.t('otherLanguage');
    button.lang = this.lang === 'en' ? 'hi' : 'en';
    button.setAttribute('aria-label', this.t('otherLanguageName'));
    document.getElementById('skip').textContent = this.t('skip');
    document.getElementById('nav').setAttribute('aria-label', this.t('mainNav'));
    this.showOnline();
  }

  /** ₹1,23,456 (Indian digit grouping) for INR, $ for USD; amounts may be numbers or decimal strings. */
  money(amount, currency = 'INR') {
    const value = Number(amount);
    if (!Number.isFinite(value)) return '';
    const locale = currency === 'INR' ? 'en-IN' : 'en-US';
    return new Intl.NumberFormat(locale, {style: 'currency', currency, minimumFractionDigits: 0,
      maximumFractionDigits: Number.isInteger(value) ? 0 : 2}).format(value);
  }

  // ---- DOM -----------------------------------------------------------------------------------------------

  /** el('button', {class: 'primary', type: 'button', 'on:click': fn, 'aria-label': '…'}, 'text', child...).
   * `text` sets textContent; `style` may be an object; false/null attributes are left out. */
  el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
      else if (key === 'text') node.textContent = value;
      else if (key === 'style' && typeof value === 'object') Object.assign(node.style, value);
      else if (key.startsWith('on:')) node.addEventListener(key.slice(3), value);
      else if (key === 'value' || key === 'checked' || key === 'selected') node[key] = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    const add = (child) => {
      if (child === undefined || child === null || child === false) return;
      if (Array.isArray(child)) child.forEach(add);
      else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    };
    children.forEach(add);
    return node;
  }

  toast(message) {
    const toast = document.getElementById('toast');
    toast.textContent = message;
    toast.classList.add('show');
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => toast.classList.remove('show'), 5000);
  }

  navigate(hash) {
    if (location.hash === hash) this.render();
    else location.hash = hash;
  }

  /** Aborted when the person leaves the screen: pass it to long calls and streams. */
  get signal() {
    return this.controller.signal;
  }

  // ---- routing -------------------------------------------------------------------------------------------

  homeFor() {
    if (!this.session) return '#/signin';
    return this.isStaff ? '#/merchant/price' : '#/scan';
  }

  parseHash() {
    const raw = location.hash.replace(/^#/, '');
    const [path, query = ''] = raw.split('?');
    return {path: path || '/', params: Object.fromEntries(new URLSearchParams(query))};
  }

  renderNav() {
    const nav = document.getElementById('nav');
    const session = this.session;
    const current = this.parseHash().path;
    const link = ([path, key]) => this.el('li', {}, this.el('a', {href: `#${path}`,
      'aria-current': path === current ? 'page' : null, text: this.t(key)}));
    const links = Object.entries(ROUTES).filter(([path, route]) => route.nav && this.mayOpen(path))
      .map(([path, route]) => link([path, route.nav]));
    const items = session ? [this.el('ul', {}, links), this.el('button', {type: 'button', class: 'link',
      'on:click': () => this.signOut(), text: this.t('signOut')})] : [];
    nav.replaceChildren(...items);
    nav.hidden = !session;
    document.getElementById('brand').textContent = this.t('appName');
  }

  async render() {
    const {path, params} = this.parseHash();
    if (path === '/' || !path.startsWith('/')) {
      if (path === '/') location.replace(this.homeFor());
      return;
    }
    this.controller.abort();
    this.controller = new AbortController();
    const count = ++this.renderCount;
    const main = document.getElementById('main');
    const route = ROUTES[path];
    this.renderNav();
    if (route && !route.open && !this.session) {
      location.replace(`#/signin?next=${encodeURIComponent(location.hash.slice(1))}`);
      return;
    }
    if (!route) {
      this.screenStrings = null;
      main.replaceChildren(this.el('h1', {text: this.t('notFound')}));
      return;
    }
    if (!this.mayOpen(path)) {
      this.screenStrings = null;
      this.renderRefusal(main, route);
      return;
    }
    let screen;
    try {
      screen = await import(`./screens/${route.module}.js`);
    } catch (error) {
      console.error(error);
      if (count !== this.renderCount) return;
      this.screenStrings = null;
      main.replaceChildren(this.el('p', {class: 'error', role: 'alert', text: this.t('screenFailed')}));
      return;
    }
    if (count !== this.renderCount) return;
    this.screenStrings = screen.strings || null;
    const root = this.el('div', {class: 'screen', 'data-screen': route.module});
    main.replaceChildren(root);
    document.title = this.screenStrings && this.t('title') !== 'title' ? `${this.t('title')} · pakka` : 'pakka';
    try {
      await screen.render(root, this, params);
    } catch (error) {
      if (error.name === 'AbortError' || count !== this.renderCount) return;
      console.error(error);
      root.append(this.el('p', {class: 'error', role: 'alert',
        text: this.t('genericError', {message: error.message || String(error)})}));
    }
    if (count === this.renderCount && this.focusMain) {
      const heading = main.querySelector('h1');
      (heading || main).setAttribute('tabindex', '-1');
      (heading || main).focus({preventScroll: false});
    }
    this.focusMain = true;
  }

  /** The screen's API routes would answer 403 for this role: say so, and point to the role's own start page. */
  renderRefusal(main, route) {
    const roles = route.roles.map((role) => this.t(`role_${role}`)).join(this.t('or'));
    document.title = `${this.t('notForRole')} · pakka`;
    main.replaceChildren(this.el('div', {class: 'screen', 'data-screen': 'refused'},
      this.el('h1', {text: this.t('notForRole')}),
      this.el('p', {role: 'alert', text: this.t('notForRoleWhy', {role: this.t(`role_${this.session.role}`), roles})}),
      this.el('p', {}, this.el('a', {href: this.homeFor(), text: this.t('goHome')}))));
  }

  showOnline() {
    const banner = document.getElementById('offline');
    banner.hidden = navigator.onLine;
    banner.textContent = navigator.onLine ? '' : this.t('offline');
  }

  start() {
    this.focusMain = false; // the first screen keeps the page's natural focus order
    this.applyLang();
    document.getElementById('lang').addEventListener('click', () => this.setLang(this.lang === 'en' ? 'hi' : 'en'));
    document.getElementById('skip').addEventListener('click', (event) => {
      event.preventDefault();
      document.getElementById('main').focus();
    });
    window.addEventListener('hashchange', () => this.render());
    window.addEventListener('online', () => this.showOnline());
    window.addEventListener('offline', () => this.showOnline());
    window.addEventListener('storage', (event) => {
      if (event.key !== TOKENS_KEY) return;
      // Another tab refreshed the tokens (keep them, leave this screen and its streams alone), or signed in as
      // someone else or out (show what that person may see).
      const before = this.session;
      this.tokens = readJson(TOKENS_KEY, null);
      const after = this.session;
      if (before?.user_id !== after?.user_id || before?.role !== after?.role) this.render();
    });
    if ('serviceWorker' in navigator && location.protocol !== 'file:') {
      navigator.serviceWorker.register('/sw.js', {scope: '/'}).catch((error) => console.warn('service worker', error));
    }
    this.render();
  }
}

export const app = new App();
app.start();
