// The request inspector: the API requests a store was sent (secrets redacted by the server),
// newest first, live through server-sent events; filters; one request's headers and bodies; and
// "Copy as curl" (the token is never kept, so the command holds a placeholder for it).

import { admin, query, storePath } from '../api.js'
import { field, h, replace, table } from '../dom.js'
import { ms, pretty, time } from '../format.js'
import { say, sayError } from '../status.js'

const METHODS = ['', 'GET', 'POST', 'PUT', 'DELETE']
const PAGE = 50

export default async function render(main, { hash, query: routeQuery, route }) {
  const base = storePath(hash)
  const filter = {
    status: routeQuery.status ?? '',
    method: routeQuery.method ?? '',
    path_prefix: routeQuery.path_prefix ?? '',
    client_id: routeQuery.client_id ?? '',
  }
  const rows = h('tbody')
  const listBox = h('div', null)
  const detail = h('div', { id: 'request-detail' })
  const live = h('span', { class: 'muted', 'aria-live': 'polite' }, '')
  const more = h('button', { type: 'button', class: 'quiet', hidden: true, onclick: () => loadOlder() }, 'Older requests')
  const shown = new Set()
  let nextBefore = null
  let source

  const form = h('form', { class: 'inline', role: 'search', 'aria-label': 'Filter requests' },
    field('Status', { name: 'status', value: filter.status, placeholder: '404 or 4xx', pattern: '[1-5]([0-9][0-9]|xx|XX)', size: '6', autocomplete: 'off' }),
    field('Method', { tag: 'select', name: 'method', options: METHODS.map((m) => [m, m || 'any']) }),
    field('Path prefix', { name: 'path_prefix', value: filter.path_prefix, placeholder: '/customers', autocomplete: 'off' }),
    field('Client id', { name: 'client_id', value: filter.client_id, autocomplete: 'off' }),
    h('button', { type: 'submit' }, 'Filter'),
    h('button', { type: 'button', class: 'quiet', onclick: () => { location.hash = route(['stores', hash, 'requests']) } }, 'Clear'),
    h('button', { type: 'button', class: 'danger', onclick: clearAll }, 'Forget all'))
  form.elements.method.value = filter.method
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const next = {}
    for (const name of Object.keys(filter)) next[name] = form.elements[name].value.trim()
    location.hash = route(['stores', hash, 'requests'], next)
  })

  function row(entry, fresh) {
    const open = () => openEntry(entry.id)
    const tr = h('tr', { class: fresh ? 'new' : null, dataset: { id: String(entry.id) } },
      h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', 'aria-label': `Open request ${entry.id}: ${entry.method} ${entry.path}`, onclick: open }, String(entry.id))),
      h('td', null, time(entry.time, h)),
      h('td', null, entry.method),
      h('td', { class: 'wrap' }, h('code', null, entry.path + (entry.query ? `?${entry.query}` : ''))),
      h('td', null, h('span', { class: `badge s${String(entry.status)[0]}` }, String(entry.status))),
      h('td', null, ms(entry.latency_ms)),
      h('td', null, entry.client_id ? h('code', null, entry.client_id) : '—'))
    tr.addEventListener('click', (event) => {
      if (event.target.closest('button')) return
      open()
    })
    return tr
  }

  function add(entries, { top = false, fresh = false } = {}) {
    const fragment = document.createDocumentFragment()
    for (const entry of entries) {
      if (shown.has(entry.id)) continue
      shown.add(entry.id)
      fragment.append(row(entry, fresh))
    }
    if (top) rows.prepend(fragment)
    else rows.append(fragment)
    if (shown.size > 0 && !listBox.contains(rows)) {
      replace(listBox, h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Requests' },
        h('table', null, h('caption', null, 'Requests, newest first'),
          h('thead', null, h('tr', null, ['Id', 'Time', 'Method', 'Path', 'Status', 'Latency', 'Client id'].map((c) => h('th', { scope: 'col' }, c)))),
          rows)))
    }
  }

  async function loadOlder() {
    try {
      const page = await admin('GET', `${base}/requests${query({ ...filter, limit: PAGE, before: nextBefore ?? undefined })}`)
      add(page.data)
      nextBefore = page.meta.next_before
      more.hidden = nextBefore === null
      if (shown.size === 0) replace(listBox, h('p', { class: 'empty' }, 'No requests recorded yet (or none match). New ones appear here as they come.'))
      return page
    } catch (error) {
      sayError(error, 'Listing requests')
      return undefined
    }
  }

  function startStream(after) {
    source = new EventSource(`/admin${base}/requests/stream${query({ ...filter, after })}`)
    source.onopen = () => { live.textContent = 'Live: new requests appear at the top.' }
    source.onerror = () => { live.textContent = 'Live updates paused; reconnecting…' }
    source.onmessage = (event) => {
      let entry
      try {
        entry = JSON.parse(event.data)
      } catch {
        return
      }
      add([entry], { top: true, fresh: true })
    }
  }

  async function clearAll() {
    if (!confirm(`Forget every recorded request of store ${hash}?`)) return
    try {
      await admin('DELETE', `${base}/requests`)
      shown.clear()
      rows.replaceChildren()
      replace(listBox, h('p', { class: 'empty' }, 'No requests recorded.'))
      replace(detail)
      say('Recorded requests forgotten.')
    } catch (error) {
      sayError(error, 'Forgetting requests')
    }
  }

  async function openEntry(id) {
    try {
      const { data: entry } = await admin('GET', `${base}/requests/${id}`)
      for (const tr of rows.children) tr.classList.toggle('selected', tr.dataset.id === String(id))
      const curl = curlOf(entry)
      const curlBox = h('pre', { class: 'wrap curl', hidden: true }, curl)
      replace(detail, h('section', { 'aria-labelledby': 'detail-h', class: 'card' },
        h('h2', { id: 'detail-h', tabindex: '-1' }, `Request ${entry.id}: ${entry.method} ${entry.status}`),
        h('p', null, h('code', { class: 'wrap' }, entry.path + (entry.query ? `?${entry.query}` : ''))),
        h('p', { class: 'muted' }, time(entry.time, h), ` · ${ms(entry.latency_ms)} · request id `, h('code', null, entry.request_id), ' · client ', entry.client_id ?? '—'),
        h('div', { class: 'toolbar' },
          h('button', { type: 'button', onclick: async () => {
            curlBox.hidden = false
            try {
              await navigator.clipboard.writeText(curl)
              say('curl command copied (put your token in it).')
            } catch {
              say('The browser refused the clipboard: the command is shown below.', 'error')
            }
          } }, 'Copy as curl'),
          h('button', { type: 'button', class: 'quiet', onclick: () => replace(detail) }, 'Close')),
        curlBox,
        h('div', { class: 'columns' },
          exchange('Request', entry.request),
          exchange('Response', entry.response))))
      const heading = detail.querySelector('h2')
      heading.focus({ preventScroll: true })
      heading.scrollIntoView({ block: 'nearest' })
    } catch (error) {
      sayError(error, `Opening request ${id}`)
    }
  }

  replace(main,
    h('h1', null, 'Requests'),
    h('p', { class: 'muted' }, 'The API requests store ', h('code', null, hash), ' was sent, secrets redacted. ', live),
    form,
    listBox,
    more,
    detail)
  const first = await loadOlder()
  startStream(first?.meta.last_id ?? 0)
  return () => source?.close()
}

function exchange(title, side) {
  const headers = Object.entries(side.headers ?? {})
  return h('section', null,
    h('h3', null, title),
    table(`${title} headers`, ['Header', 'Value'], headers.map(([k, v]) => [k, h('span', { class: 'wrap' }, v)]), 'No headers kept.'),
    h('h4', null, `${title} body`, side.body_truncated ? ' (cut short)' : ''),
    side.body === null ? h('p', { class: 'muted' }, 'No body.') : h('pre', { tabindex: '0', 'aria-label': `${title} body` }, pretty(side.body)))
}

const quote = (text) => `'${String(text).replace(/'/g, `'\\''`)}'`
const SKIPPED = new Set(['x-auth-token', 'authorization', 'content-length', 'host'])

/** The request as a curl command; the token (redacted when recorded) is a placeholder. */
export function curlOf(entry) {
  const parts = [`curl -X ${entry.method}`, quote(`${location.origin}${entry.path}${entry.query ? `?${entry.query}` : ''}`), `-H ${quote('X-Auth-Token: <your token>')}`]
  for (const [name, value] of Object.entries(entry.request.headers ?? {})) {
    if (SKIPPED.has(name.toLowerCase())) continue
    parts.push(`-H ${quote(`${name}: ${value}`)}`)
  }
  if (entry.request.body !== null && entry.request.body !== undefined) parts.push(`--data ${quote(entry.request.body)}`)
  return parts.join(' ')
}
