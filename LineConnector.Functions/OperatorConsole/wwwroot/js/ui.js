// Small DOM helpers: every control gets a visible label, errors are announced and tied to their field.

let ids = 0;
export const uid = prefix => `${prefix}-${++ids}`;

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    // Styles as properties, never as an attribute: the console's Content-Security-Policy refuses inline style attributes.
    else if (key === 'style') Object.assign(node.style, value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * A labelled input (or textarea/select) with an optional hint, a live length counter against `max`
 * (UTF-16 code units, as the server and LINE count) and an error line. Returns {wrap, input, error, check}.
 */
export function field(labelText, { type = 'text', value = '', max, hint, multiline, options, required, name, overMessage } = {}) {
  const id = uid('f');
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  let input;
  if (options) {
    input = el('select', { id, name }, options.map(([v, text]) => el('option', { value: v, selected: v === value }, text)));
  } else if (multiline) {
    input = el('textarea', { id, name });
    input.value = value;
  } else {
    input = el('input', { id, type, name, autocomplete: 'off' });
    input.value = value;
  }
  if (required) input.required = true;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  const counter = max ? el('div', { class: 'counter', 'aria-live': 'polite' }) : null;
  const error = el('div', { class: 'error', id: errorId, role: 'alert' });
  const check = () => {
    if (!max) return true;
    const length = input.value.length;
    const over = length > max;
    counter.textContent = `${length.toLocaleString('en')} / ${max.toLocaleString('en')}`;
    counter.classList.toggle('over', over);
    input.setAttribute('aria-invalid', over ? 'true' : 'false');
    error.textContent = over ? (overMessage ? overMessage(max, length) : `At most ${max.toLocaleString('en')} characters (now ${length.toLocaleString('en')}).`) : '';
    return !over;
  };
  if (max) { input.addEventListener('input', check); check(); }
  const wrap = el('div', { class: 'field' }, el('label', { for: id }, labelText), hint ? el('p', { class: 'hint', id: hintId }, hint) : null, input, counter, error);
  return { wrap, input, error, check, set: message => { error.textContent = message || ''; input.setAttribute('aria-invalid', message ? 'true' : 'false'); } };
}

export function toast(message) {
  const line = el('p', {}, message);
  document.getElementById('toast').append(line);
  setTimeout(() => line.remove(), 5000);
}

/** Asks before a step that cannot be undone; resolves true on confirm. The dialog traps focus (showModal). */
export function confirmDialog(question, confirmLabel) {
  return new Promise(resolve => {
    const dialog = el('dialog', { 'aria-labelledby': 'confirm-title' });
    const done = answer => { dialog.close(); dialog.remove(); resolve(answer); };
    dialog.append(
      el('h2', { id: 'confirm-title' }, question),
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'danger', onclick: () => done(true) }, confirmLabel),
        el('button', { type: 'button', onclick: () => done(false) }, 'Cancel')));
    dialog.addEventListener('cancel', () => done(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Shows an API error: field errors beside their fields (by name), the rest as a toast. */
export function showError(e, fieldsByName = {}) {
  let shown = false;
  for (const [name, messages] of Object.entries(e.fields || {})) {
    const target = fieldsByName[name];
    if (target) { target.set(messages.join(' ')); shown = true; }
  }
  if (!shown) toast(e.fields && Object.keys(e.fields).length ? `${e.message}: ${Object.entries(e.fields).map(([k, v]) => `${k}: ${v.join(' ')}`).join('; ')}` : e.message);
}

export function channelPicker(list, selected, onChange) {
  const f = field('Channel', { options: list.map(c => [c.id, `${c.name} (${c.id})`]), value: selected });
  f.input.addEventListener('change', () => onChange(f.input.value));
  return f;
}

export const when = iso => (iso ? new Date(iso).toLocaleString('en-GB') : '');
