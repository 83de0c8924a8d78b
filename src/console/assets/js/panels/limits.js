// A store's request quota: what it is (its own, or the deployment's default), a plan or figures
// to set, dropping its own; and a live chart of requests and 429s per window, counted from the
// request inspector's entries (the list, then its stream) and bucketed by the quota's window.

import { admin, query, storePath } from '../api.js'
import { facts, field, h, replace, s } from '../dom.js'
import { count } from '../format.js'
import { say, sayError } from '../status.js'

const PLANS = ['standard', 'plus', 'pro', 'enterprise', 'unlimited']
const BARS = 30
const W = 640
const H = 200
const PAD = { left: 44, right: 8, top: 10, bottom: 22 }

export default async function render(main, { hash }) {
  const base = storePath(hash)
  const current = h('div', null, 'Loading…')
  const chartBox = h('div', null)
  const note = h('p', { class: 'muted' })
  let limit
  let source
  const entries = new Map() // id → { t, status }

  async function loadLimit() {
    const { data } = await admin('GET', `${base}/rate-limit`)
    limit = data
    replace(current, facts([
      ['Source', data.source === 'store' ? 'the store’s own quota' : 'the deployment’s default'],
      ['Plan', data.plan ?? 'custom figures'],
      ['Quota', data.unlimited ? 'unlimited' : `${count(data.quota)} requests`],
      ['Window', `${count(data.window_ms)} ms`],
    ]))
    draw()
  }

  const planForm = h('form', { class: 'inline', 'aria-label': 'Set a plan' },
    field('Plan', { tag: 'select', name: 'plan', options: PLANS.map((p) => [p, p]) }),
    h('button', { type: 'submit' }, 'Set plan'))
  planForm.addEventListener('submit', (event) => {
    event.preventDefault()
    set({ plan: planForm.elements.plan.value })
  })
  const figuresForm = h('form', { class: 'inline', 'aria-label': 'Set figures' },
    field('Quota (requests per window)', { name: 'quota', type: 'number', min: '1', step: '1', required: true }),
    field('Window (ms)', { name: 'window_ms', type: 'number', min: '100', step: '1', value: '30000', required: true }),
    h('button', { type: 'submit' }, 'Set figures'))
  figuresForm.addEventListener('submit', (event) => {
    event.preventDefault()
    set({ quota: Number(figuresForm.elements.quota.value), window_ms: Number(figuresForm.elements.window_ms.value) })
  })

  async function set(body) {
    try {
      await admin('PUT', `${base}/rate-limit`, body)
      say('Quota set.')
      await loadLimit()
    } catch (error) {
      sayError(error, 'Setting the quota')
    }
  }

  async function drop() {
    try {
      await admin('DELETE', `${base}/rate-limit`)
      say('The store has the default quota again.')
      await loadLimit()
    } catch (error) {
      sayError(error, 'Dropping the quota')
    }
  }

  function record(entry) {
    entries.set(entry.id, { t: Date.parse(entry.time), status: entry.status })
  }

  /** Requests and 429s in each of the last BARS windows, oldest first. */
  function buckets() {
    const win = limit.window_ms
    const now = Date.now()
    const last = Math.floor(now / win)
    const out = Array.from({ length: BARS }, (_, i) => ({ start: (last - BARS + 1 + i) * win, requests: 0, limited: 0 }))
    for (const { t, status } of entries.values()) {
      const i = Math.floor(t / win) - (last - BARS + 1)
      if (i < 0 || i >= BARS) continue
      out[i].requests += 1
      if (status === 429) out[i].limited += 1
    }
    return out
  }

  function draw() {
    if (!limit) return
    const data = buckets()
    const quota = limit.unlimited ? 0 : limit.quota
    const peak = Math.max(1, ...data.map((b) => b.requests), quota && quota <= 10 * Math.max(1, ...data.map((b) => b.requests)) ? quota : 0)
    const innerW = W - PAD.left - PAD.right
    const innerH = H - PAD.top - PAD.bottom
    const slot = innerW / BARS
    const y = (v) => PAD.top + innerH - (v / peak) * innerH
    const total = data.reduce((n, b) => n + b.requests, 0)
    const limited = data.reduce((n, b) => n + b.limited, 0)
    const svg = s('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-labelledby': 'chart-title chart-desc' },
      s('title', { id: 'chart-title' }, 'Requests and 429 answers per window'),
      s('desc', { id: 'chart-desc' }, `Last ${BARS} windows of ${limit.window_ms} ms: ${total} requests, ${limited} answered 429.`),
      s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0), stroke: '#d0d7de' }),
      s('text', { x: PAD.left - 6, y: y(peak) + 4, 'text-anchor': 'end' }, String(peak)),
      s('text', { x: PAD.left - 6, y: y(0) + 4, 'text-anchor': 'end' }, '0'),
      data.map((b, i) => {
        const x = PAD.left + i * slot + 1
        const width = Math.max(1, slot - 2)
        return s('g', null,
          s('title', null, `${new Date(b.start).toLocaleTimeString()}: ${b.requests} requests, ${b.limited} × 429`),
          b.requests ? s('rect', { class: 'req', x, width, y: y(b.requests), height: y(0) - y(b.requests) }) : null,
          b.limited ? s('rect', { class: 'limited', x, width, y: y(b.limited), height: y(0) - y(b.limited) }) : null)
      }),
      quota && quota <= peak ? s('line', { class: 'quota', x1: PAD.left, x2: W - PAD.right, y1: y(quota), y2: y(quota) }) : null,
      s('text', { x: PAD.left, y: H - 6 }, new Date(data[0].start).toLocaleTimeString()),
      s('text', { x: W - PAD.right, y: H - 6, 'text-anchor': 'end' }, 'now'))
    replace(chartBox, svg,
      h('p', { class: 'legend' },
        h('span', null, h('span', { class: 'swatch req' }), 'requests'),
        h('span', null, h('span', { class: 'swatch limited' }), '429 Too Many Requests'),
        quota && quota <= peak ? h('span', null, `dashed: the quota (${count(quota)})`) : null))
    note.textContent = `Counted from the request inspector: ${count(total)} requests and ${count(limited)} refused with 429 in the last ${BARS} windows.`
  }

  replace(main,
    h('h1', null, 'Limits'),
    h('section', { 'aria-labelledby': 'quota-h' }, h('h2', { id: 'quota-h' }, 'Quota'), current,
      planForm, figuresForm,
      h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'danger', onclick: drop }, 'Drop the store’s own quota'))),
    h('section', { 'aria-labelledby': 'chart-h' }, h('h2', { id: 'chart-h' }, 'Requests per window'), chartBox, note))

  let lastId = 0
  try {
    const [page] = await Promise.all([admin('GET', `${base}/requests${query({ limit: 1000 })}`), loadLimit()])
    page.data.forEach(record)
    lastId = page.meta.last_id
    draw()
  } catch (error) {
    sayError(error, 'Loading the limits')
  }
  source = new EventSource(`/admin${base}/requests/stream${query({ after: lastId })}`)
  let pending = false
  source.onmessage = (event) => {
    try {
      record(JSON.parse(event.data))
    } catch {
      return
    }
    if (pending) return
    pending = true
    requestAnimationFrame(() => { pending = false; draw() })
  }
  // The windows move on even when nothing comes.
  const timer = setInterval(draw, Math.max(1000, Math.min(limit?.window_ms ?? 5000, 5000)))
  return () => {
    source.close()
    clearInterval(timer)
  }
}
