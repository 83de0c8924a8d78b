// Builds elements from data with textContent and attributes only: never HTML text, so nothing a
// store holds (a customer's name, a request body) can become markup or script.

const SVG = 'http://www.w3.org/2000/svg'

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    if (Array.isArray(child)) append(el, child)
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'class') el.setAttribute('class', Array.isArray(value) ? value.filter(Boolean).join(' ') : value)
    else if (key === 'dataset') Object.assign(el.dataset, value)
    else if (key === 'value' || key === 'checked' || key === 'selected') el[key] = value
    else el.setAttribute(key, value === true ? '' : String(value))
  }
}

/** h('button', { type: 'button', onclick }, 'Save'): an element, its attributes, its children. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag)
  setAttrs(el, attrs)
  append(el, children)
  return el
}

/** The same for SVG elements (the limits chart). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag)
  setAttrs(el, attrs)
  append(el, children)
  return el
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

let ids = 0
/** A unique id, for label/input pairs. */
export const uid = (prefix = 'f') => `${prefix}-${++ids}`

/** A labelled input: label and control in one wrapper. */
export function field(label, attrs = {}, hint) {
  const id = attrs.id ?? uid()
  const control = attrs.tag === 'select'
    ? h('select', { ...attrs, tag: null, options: null, id }, (attrs.options ?? []).map(([value, text]) => h('option', { value }, text)))
    : attrs.tag === 'textarea'
      ? h('textarea', { ...attrs, tag: null, id })
      : h('input', { type: 'text', ...attrs, id })
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', null, hint) : null)
}

/** A table in a horizontally scrolling wrapper; `columns` are header texts, `rows` arrays of cells. */
export function table(caption, columns, rows, empty = 'None.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty)
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', null,
      h('caption', null, caption),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows.map((cells) => cells instanceof Node ? cells : h('tr', null, cells.map((c, i) => i === 0 ? h('th', { scope: 'row' }, c) : h('td', null, c)))))))
}

/** A definition list of [term, value] pairs. */
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([term, value]) => [h('dt', null, term), h('dd', null, value ?? '—')]))
}
