// Small DOM helpers shared by the pages. Everything is built with createElement and textContent: no
// innerHTML, so that names and payloads from the server are never read as markup.

// h creates an element: h('a', {href: '#/x', class: 'y'}, 'text', child, …). Attributes starting with "on"
// become listeners; null and false attributes and children are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

const SVG = 'http://www.w3.org/2000/svg';

// s creates an SVG element with attributes.
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

// link builds a hash route from parts, each encoded.
export function route(...parts) {
  return '#/' + parts.map((p) => encodeURIComponent(p)).join('/');
}

export function fmtTime(epoch) {
  if (epoch === undefined || epoch === null) return '';
  const d = new Date(epoch * 1000);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

// fmtDur writes seconds as a short duration: 850 ms, 4.2 s, 3 m 05 s, 2 h 10 m, 3 d 4 h.
export function fmtDur(sec) {
  if (sec === undefined || sec === null || Number.isNaN(sec)) return '';
  const neg = sec < 0;
  let a = Math.abs(sec);
  let out;
  if (a === 0) out = '0 s';
  else if (a < 0.001) out = Math.round(a * 1e6) + ' µs';
  else if (a < 0.01) out = (a * 1000).toFixed(1) + ' ms';
  else if (a < 1) out = Math.round(a * 1000) + ' ms';
  else if (a < 60) out = a.toFixed(1) + ' s';
  else if (a < 3600) out = Math.floor(a / 60) + ' m ' + String(Math.floor(a % 60)).padStart(2, '0') + ' s';
  else if (a < 86400) out = Math.floor(a / 3600) + ' h ' + String(Math.floor((a % 3600) / 60)).padStart(2, '0') + ' m';
  else out = Math.floor(a / 86400) + ' d ' + Math.floor((a % 86400) / 3600) + ' h';
  return neg ? '−' + out : out;
}

// errorBox shows an error (an ApiError or any Error) in place of or above a page's content.
export function errorBox(err, what) {
  const type = err && err.type;
  let hint = '';
  if (type === 'OperationNotPermittedFault' || type === 'AccessDeniedException') {
    hint = 'Your access key is not allowed to do this.';
  } else if (type === 'UnrecognizedClientException' || type === 'InvalidSignatureException') {
    hint = 'The server does not accept this access key: sign out and sign in again.';
  }
  return h('div', { class: 'error', role: 'alert' },
    h('strong', {}, (what ? what + ' failed: ' : '') + (type || 'Error')),
    ' ', err && err.type ? err.message.replace(type + ': ', '') : String(err && err.message || err),
    hint ? h('div', { class: 'hint' }, hint) : null);
}

// confirmDialog opens the page's <dialog> with a title, a message and input fields, and resolves to the
// fields' values when confirmed, or null when cancelled.
//
// fields: [{name, label, type: 'text'|'textarea', value, required}]
export function confirmDialog({ title, message, fields = [], confirmLabel = 'Confirm', danger = false }) {
  const dlg = document.getElementById('dialog');
  const form = h('form', { method: 'dialog', class: 'dialog-form' },
    h('h2', {}, title),
    message ? h('p', {}, message) : null,
    fields.map((f) => h('label', { class: 'field' }, h('span', {}, f.label),
      f.type === 'textarea'
        ? h('textarea', { name: f.name, rows: 3, required: f.required || null }, f.value || '')
        : h('input', { name: f.name, type: 'text', value: f.value || '', required: f.required || null, autocomplete: 'off' }))),
    h('div', { class: 'dialog-buttons' },
      h('button', { type: 'submit', value: 'cancel', id: 'dialog-cancel', formnovalidate: true }, 'Cancel'),
      h('button', { type: 'submit', value: 'ok', id: 'dialog-confirm', class: danger ? 'danger' : 'primary' }, confirmLabel)));
  dlg.replaceChildren(form);
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => {
      if (dlg.returnValue !== 'ok') return resolve(null);
      const values = {};
      for (const f of fields) values[f.name] = form.elements[f.name].value;
      resolve(values);
    }, { once: true });
    dlg.returnValue = '';
    dlg.showModal();
    const first = form.querySelector('input, textarea');
    if (first) first.focus();
  });
}

// kv renders a definition list of [label, value] pairs, skipping empty values; wide lays the pairs out in
// two columns.
export function kv(pairs, wide = false) {
  return h('dl', { class: wide ? 'kv wide' : 'kv' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && !v.length))
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// pretty formats a JSON-ish string for display: indented when it parses, as is otherwise.
export function pretty(v) {
  if (typeof v !== 'string') return JSON.stringify(v, null, 2);
  try {
    return JSON.stringify(JSON.parse(v), null, 2);
  } catch {
    return v;
  }
}

// table builds a table with a header row and body rows.
export function table(cls, headers, rows) {
  return h('table', { class: cls },
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', {}, x)))),
    h('tbody', {}, rows));
}

// toEpoch reads a datetime-local input's value as epoch seconds, or undefined when empty.
export function toEpoch(v) {
  if (!v) return undefined;
  const t = new Date(v).getTime();
  return Number.isNaN(t) ? undefined : t / 1000;
}
