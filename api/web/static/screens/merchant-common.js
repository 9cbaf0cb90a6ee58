// Helpers the merchant and site-wizard screens share: their stylesheet, SVG elements, error text, photo reading.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Link a screen stylesheet (next to this module) once. */
export function useStyles(name) {
  const href = new URL(`./${name}`, import.meta.url).href;
  if (!document.querySelector(`link[data-screen-css="${name}"]`)) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    link.dataset.screenCss = name;
    document.head.append(link);
  }
}

/** An SVG element with attributes and children (app.el makes HTML elements only). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/** Words for a failed call: the API's message, and each problem it names. */
export function errorText(app, error) {
  if (!error) return app.t('error_generic');
  if (error.name === 'AbortError') return app.t('cancelled');
  const parts = [error.message || app.t('error_generic')];
  const details = error.problems || [];
  for (const problem of Array.isArray(details) ? details : []) {
    const text = problemText(problem);
    if (text) parts.push(text);
  }
  return parts.join(' · ');
}

/** One field problem: a plain string, {field, reason}, or the 422 shape {loc, message, type} (api/errors.py). */
function problemText(problem) {
  if (typeof problem === 'string') return problem;
  if (!problem || typeof problem !== 'object') return '';
  if (Array.isArray(problem.loc) || problem.message) {
    const loc = Array.isArray(problem.loc) ? problem.loc.map(String) : [];
    const where = (loc[0] === 'body' ? loc.slice(1) : loc).join('.');
    return [where, problem.message].filter(Boolean).join(': ');
  }
  if (problem.field || problem.reason) return [problem.field, problem.reason].filter(Boolean).join(': ');
  return '';
}

/** A File's bytes as base64 (no data: prefix); read in memory, never stored. */
export function fileAsBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',', 2)[1] || '');
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

/** A labelled form control: <div class="field"><label for=id>text</label>control hint?</div>. */
export function field(app, id, labelKey, control, hintKey) {
  control.id = id;
  const children = [app.el('label', { for: id, text: app.t(labelKey) }), control];
  if (hintKey) {
    const hint = app.el('p', { class: 'hint', id: `${id}-hint`, text: app.t(hintKey) });
    control.setAttribute('aria-describedby', hint.id);
    children.push(hint);
  }
  return app.el('div', { class: 'field' }, ...children);
}

/** A date-time in the reader's locale for the UI language. */
export function when(app, iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(app.lang === 'hi' ? 'hi-IN' : 'en-IN', { dateStyle: 'medium', timeStyle: 'short' });
}
