// One store: its API accounts (tokens; a new token is shown once), its snapshots (save, restore,
// delete), reset and delete.

import { admin, storePath } from '../api.js'
import { field, h, replace, table, uid } from '../dom.js'
import { bytes, count, time } from '../format.js'
import { say, sayError } from '../status.js'

// src/core/scopes.ts
const SCOPES = [
  ['store_v2_customers', 'Customers'],
  ['store_v2_customers_read_only', 'Customers, read-only'],
  ['store_stored_payment_instruments', 'Stored payment instruments'],
  ['store_stored_payment_instruments_read_only', 'Stored payment instruments, read-only'],
  ['store_cart', 'Carts'],
  ['store_cart_read_only', 'Carts, read-only'],
  ['store_metafield_write_all', "Write every app's metafields"],
]

export default async function render(main, { hash, route }) {
  const base = storePath(hash)
  const facts = h('div', null, 'Loading…')
  const accounts = h('div', null, 'Loading…')
  const created = h('div', { class: 'created-token' })
  const snapshots = h('div', null, 'Loading…')

  async function loadStore() {
    const { data } = await admin('GET', '/stores')
    const store = data.find((s) => s.hash === hash)
    if (!store) {
      replace(facts, h('p', { class: 'error' }, `There is no store "${hash}".`))
      return
    }
    replace(facts, h('p', null, store.name, ' · created ', time(store.date_created, h)))
  }

  async function loadAccounts() {
    const { data } = await admin('GET', `${base}/tokens`)
    replace(accounts, table('API accounts', ['Client id', 'Name', 'Scopes', 'Created', 'Actions'], data.map((account) => [
      h('code', null, account.client_id),
      account.name,
      h('span', { class: 'wrap' }, account.scopes.join(', ')),
      time(account.date_created, h),
      h('button', { type: 'button', class: 'danger', 'aria-label': `Revoke ${account.client_id}`, onclick: () => revoke(account.client_id) }, 'Revoke'),
    ]), 'No API accounts: the store answers no API request.'))
  }

  async function revoke(clientId) {
    if (!confirm(`Revoke the API account ${clientId}? Its token stops working at once.`)) return
    try {
      await admin('DELETE', `/tokens/${encodeURIComponent(clientId)}`)
      say(`API account ${clientId} revoked.`)
      await loadAccounts()
    } catch (error) {
      sayError(error, 'Revoking')
    }
  }

  async function loadSnapshots() {
    const { data } = await admin('GET', `${base}/snapshots`)
    replace(snapshots, table('Snapshots', ['Name', 'Saved', 'Customers', 'Rows', 'Size', 'Actions'], data.map((snap) => [
      snap.name,
      time(snap.date_created, h),
      count(snap.customers),
      count(snap.rows),
      bytes(snap.bytes),
      h('span', null,
        h('button', { type: 'button', 'aria-label': `Restore ${snap.name}`, onclick: () => restore(snap.name) }, 'Restore'), ' ',
        h('button', { type: 'button', class: 'danger', 'aria-label': `Delete snapshot ${snap.name}`, onclick: () => dropSnapshot(snap.name) }, 'Delete')),
    ]), 'No snapshots.'))
  }

  async function restore(name) {
    if (!confirm(`Restore snapshot ${name}? The store's data now is replaced by the snapshot's (API accounts and hooks stay).`)) return
    try {
      await admin('POST', `${base}/snapshots/${encodeURIComponent(name)}/restore`)
      say(`Snapshot ${name} restored.`)
    } catch (error) {
      sayError(error, `Restoring ${name}`)
    }
  }

  async function dropSnapshot(name) {
    if (!confirm(`Delete snapshot ${name}?`)) return
    try {
      await admin('DELETE', `${base}/snapshots/${encodeURIComponent(name)}`)
      say(`Snapshot ${name} deleted.`)
      await loadSnapshots()
    } catch (error) {
      sayError(error, `Deleting ${name}`)
    }
  }

  // A new API account: scopes as checkboxes, its token shown once.
  const scopeBoxes = SCOPES.map(([scope, label]) => {
    const id = uid('scope')
    return h('label', { for: id }, h('input', { type: 'checkbox', id, name: 'scopes', value: scope, checked: scope === 'store_v2_customers' }), label, ' ', h('code', { class: 'muted' }, scope))
  })
  const tokenForm = h('form', null,
    h('fieldset', null, h('legend', null, 'Scopes'), scopeBoxes),
    h('div', { class: 'inline' }, field('Name (optional)', { name: 'name', maxlength: '255', autocomplete: 'off' })),
    h('button', { type: 'submit' }, 'Create API account'))
  tokenForm.addEventListener('submit', async (event) => {
    event.preventDefault()
    const scopes = [...tokenForm.querySelectorAll('input[name="scopes"]:checked')].map((box) => box.value)
    if (scopes.length === 0) {
      say('Choose at least one scope.', 'error')
      return
    }
    const name = tokenForm.elements.name.value.trim()
    try {
      const { data } = await admin('POST', `${base}/tokens`, { scopes, ...(name ? { name } : {}) })
      replace(created, h('div', { class: 'secret', role: 'group', 'aria-label': 'New token' },
        h('p', null, h('strong', null, 'Copy the token now: it is not shown again.')),
        h('dl', { class: 'facts' },
          h('dt', null, 'Client id'), h('dd', null, h('code', null, data.client_id)),
          h('dt', null, 'Access token'), h('dd', null, h('code', { id: 'new-token' }, data.access_token)),
          h('dt', null, 'Client secret'), h('dd', null, h('code', null, data.client_secret))),
        h('button', { type: 'button', class: 'quiet', onclick: () => copy(data.access_token) }, 'Copy token'), ' ',
        h('button', { type: 'button', class: 'quiet', onclick: () => replace(created) }, 'Done')))
      say(`API account ${data.client_id} created.`)
      tokenForm.elements.name.value = ''
      await loadAccounts()
      created.querySelector('button')?.focus()
    } catch (error) {
      sayError(error, 'Creating the API account')
    }
  })

  const snapshotForm = h('form', { class: 'inline' },
    field('Snapshot name', { name: 'name', required: true, maxlength: '64', pattern: '[A-Za-z0-9._\\-]+', autocomplete: 'off' }, 'letters, digits, ".", "-", "_"'),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'replace' }), ' Replace one of that name'),
    h('button', { type: 'submit' }, 'Save snapshot'))
  snapshotForm.addEventListener('submit', async (event) => {
    event.preventDefault()
    const name = snapshotForm.elements.name.value.trim()
    try {
      await admin('POST', `${base}/snapshots`, { name, ...(snapshotForm.elements.replace.checked ? { replace: true } : {}) })
      say(`Snapshot ${name} saved.`)
      snapshotForm.reset()
      await loadSnapshots()
    } catch (error) {
      sayError(error, `Saving snapshot ${name}`)
    }
  })

  async function reset() {
    if (!confirm(`Reset store ${hash}? Every customer and all its data go; API accounts and channels stay.`)) return
    try {
      await admin('POST', `${base}/reset`)
      say(`Store ${hash} reset.`)
    } catch (error) {
      sayError(error, 'Resetting')
    }
  }

  async function remove() {
    if (!confirm(`Delete store ${hash} and all its data, API accounts and snapshots? This cannot be undone.`)) return
    try {
      await admin('DELETE', base)
      say(`Store ${hash} deleted.`)
      location.hash = '#/'
    } catch (error) {
      sayError(error, 'Deleting')
    }
  }

  const link = (suffix, text) => h('a', { href: `${route(['stores', hash])}${suffix}` }, text)
  replace(main,
    h('h1', null, `Store ${hash}`),
    facts,
    h('p', null, link('/customers', 'Customers'), ' · ', link('/webhooks', 'Webhooks'), ' · ', link('/requests', 'Requests'), ' · ', link('/limits', 'Limits')),
    h('section', { 'aria-labelledby': 'tokens-h' }, h('h2', { id: 'tokens-h' }, 'API accounts'), accounts, created, h('h3', null, 'New API account'), tokenForm),
    h('section', { 'aria-labelledby': 'snapshots-h' }, h('h2', { id: 'snapshots-h' }, 'Snapshots'),
      h('p', { class: 'muted' }, "A snapshot holds the store's data, not its API accounts or hooks."), snapshots, snapshotForm),
    h('section', { 'aria-labelledby': 'danger-h' }, h('h2', { id: 'danger-h' }, 'Reset or delete'),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'danger', onclick: reset }, 'Reset store'),
        h('button', { type: 'button', class: 'danger', onclick: remove }, 'Delete store'))))

  const results = await Promise.allSettled([loadStore(), loadAccounts(), loadSnapshots()])
  const failed = results.find((r) => r.status === 'rejected')
  if (failed) sayError(failed.reason, `Loading store ${hash}`)
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text)
    say('Copied.')
  } catch {
    say('The browser refused the clipboard: select the text and copy it.', 'error')
  }
}
