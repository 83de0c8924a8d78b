// A store's hooks (every API account's) and its webhook deliveries: attempts, the last answer,
// error and latency, and a Redeliver button. The list refreshes by itself every few seconds.

import { admin, storePath } from '../api.js'
import { h, replace, table } from '../dom.js'
import { count, ms, time } from '../format.js'
import { say, sayError } from '../status.js'

const REFRESH_MS = 2000

export default async function render(main, { hash }) {
  const base = storePath(hash)
  const hooks = h('div', null, 'Loading…')
  const deliveries = h('div', null, 'Loading…')
  let lastHooks = ''
  let lastDeliveries = ''

  async function loadHooks() {
    const { data } = await admin('GET', `${base}/hooks`)
    const text = JSON.stringify(data)
    if (text === lastHooks) return
    lastHooks = text
    replace(hooks, table('Hooks', ['Id', 'Client id', 'Scope', 'Destination', 'Active', 'Created', 'Updated'], data.map((hook) => [
      String(hook.id), h('code', null, hook.client_id), hook.scope, h('span', { class: 'wrap' }, hook.destination),
      hook.is_active ? 'yes' : 'no', time(hook.created_at, h), time(hook.updated_at, h),
    ]), 'No hooks: an API account creates them with POST /hooks.'))
  }

  async function loadDeliveries() {
    const { data } = await admin('GET', `${base}/webhook-deliveries?limit=100`)
    const text = JSON.stringify(data)
    if (text === lastDeliveries) return
    lastDeliveries = text
    // Re-rendering keeps the focus on the button it was on.
    const focused = document.activeElement?.dataset?.delivery
    replace(deliveries, table('Deliveries, most recent first', ['Id', 'Event', 'Destination', 'Status', 'Attempts', 'Last response', 'Error', 'Latency', 'Next attempt', 'Delivered', 'Actions'], data.map((d) => h('tr', { dataset: { id: String(d.id) } },
      h('th', { scope: 'row' }, String(d.id)),
      h('td', null, d.event.scope, h('br'), h('small', { class: 'muted' }, `event ${d.event.id} · `, time(d.event.created_at, h))),
      h('td', { class: 'wrap' }, d.hook.destination, h('br'), h('small', { class: 'muted' }, `hook ${d.hook.id}`)),
      h('td', null, h('span', { class: `badge ${d.status}` }, d.status)),
      h('td', { class: 'attempts' }, count(d.attempts)),
      h('td', { class: 'last-status' }, d.last_status === null ? '—' : h('span', { class: `badge s${String(d.last_status)[0]}` }, String(d.last_status))),
      h('td', { class: 'wrap' }, d.last_error ?? '—'),
      h('td', null, ms(d.last_latency_ms)),
      h('td', null, time(d.next_attempt_at, h)),
      h('td', null, time(d.delivered_at, h)),
      h('td', null, h('button', { type: 'button', dataset: { delivery: String(d.id) }, 'aria-label': `Redeliver delivery ${d.id}`, onclick: () => redeliver(d.id) }, 'Redeliver')),
    )), 'No deliveries yet.'))
    if (focused) deliveries.querySelector(`button[data-delivery="${CSS.escape(focused)}"]`)?.focus()
  }

  async function redeliver(id) {
    try {
      await admin('POST', `${base}/webhook-deliveries/${id}/redeliver`)
      say(`Delivery ${id} queued again.`)
      await loadDeliveries()
    } catch (error) {
      sayError(error, `Redelivering ${id}`)
    }
  }

  async function refresh() {
    const results = await Promise.allSettled([loadHooks(), loadDeliveries()])
    const failed = results.find((r) => r.status === 'rejected')
    if (failed) sayError(failed.reason, 'Loading webhooks')
  }

  replace(main,
    h('h1', null, 'Webhooks'),
    h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'quiet', onclick: refresh }, 'Refresh')),
    h('section', { 'aria-labelledby': 'hooks-h' }, h('h2', { id: 'hooks-h' }, 'Hooks'), hooks),
    h('section', { 'aria-labelledby': 'deliveries-h' }, h('h2', { id: 'deliveries-h' }, 'Deliveries'), deliveries))
  await refresh()
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') loadDeliveries().catch(() => {})
  }, REFRESH_MS)
  return () => clearInterval(timer)
}
