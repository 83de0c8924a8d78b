// One customer through the store's API: its fields, addresses, attributes, form fields,
// metafields, consent and stored instruments; an edit form and delete.

import { api } from '../api.js'
import { facts, field, h, replace, table } from '../dom.js'
import { time } from '../format.js'
import { say, sayError } from '../status.js'

const EDITABLE = [
  ['first_name', 'First name', { required: true, maxlength: '100' }],
  ['last_name', 'Last name', { required: true, maxlength: '100' }],
  ['email', 'Email', { type: 'email', required: true, maxlength: '255' }],
  ['company', 'Company', { maxlength: '255' }],
  ['phone', 'Phone', { maxlength: '50' }],
  ['customer_group_id', 'Customer group id', { type: 'number', min: '0', step: '1' }],
  ['notes', 'Notes', { tag: 'textarea' }],
]

const section = (id, title, ...content) => h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...content)
const optional = async (promise) => {
  try {
    return { value: await promise }
  } catch (error) {
    return { error }
  }
}

export default async function render(main, { hash, id, route }) {
  const list = route(['stores', hash, 'customers'])
  replace(main, h('h1', null, `Customer ${id}`), h('p', null, 'Loading…'))

  const [found, attributeDefs, metafields, consent, instruments] = await Promise.all([
    optional(api(hash, 'GET', `/customers?id:in=${id}&include=addresses,attributes,formfields,storecredit`)),
    optional(api(hash, 'GET', '/customers/attributes?limit=250')),
    optional(api(hash, 'GET', `/customers/${id}/metafields?limit=250`)),
    optional(api(hash, 'GET', `/customers/${id}/consent`)),
    optional(api(hash, 'GET', `/customers/${id}/stored-instruments`)),
  ])
  if (found.error) {
    sayError(found.error, `Loading customer ${id}`)
    replace(main, h('h1', null, `Customer ${id}`), h('p', { class: 'error' }, 'Could not load it.'), h('a', { href: list }, 'Back to the customers'))
    return
  }
  const customer = found.value.data[0]
  if (!customer) {
    replace(main, h('h1', null, `Customer ${id}`), h('p', null, 'There is no such customer (deleted, or restored away).'), h('a', { href: list }, 'Back to the customers'))
    return
  }
  const names = new Map((attributeDefs.value?.data ?? []).map((a) => [a.id, a.name]))
  const failed = (result, what) => result.error ? h('p', { class: 'error' }, `Could not load the ${what}: ${result.error.status ?? ''} ${result.error.title ?? result.error.message}`) : null

  // Edit: only the fields that changed are sent, as PUT /customers takes them.
  const form = h('form', { 'aria-labelledby': 'edit-h' },
    h('div', { class: 'grid' }, EDITABLE.map(([name, label, attrs]) => field(label, { name, autocomplete: 'off', ...attrs, value: attrs.tag ? null : String(customer[name] ?? '') }))),
    h('button', { type: 'submit' }, 'Save changes'))
  form.elements.notes.value = customer.notes ?? ''
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const changes = { id }
    for (const [name] of EDITABLE) {
      const raw = form.elements[name].value
      const value = name === 'customer_group_id' ? Number(raw || 0) : name === 'notes' ? raw : raw.trim()
      if (value !== customer[name]) changes[name] = value
    }
    if (Object.keys(changes).length === 1) {
      say('Nothing changed.')
      return
    }
    try {
      const { data } = await api(hash, 'PUT', '/customers', [changes])
      Object.assign(customer, data[0])
      replace(summary, summaryOf(customer))
      heading.textContent = `${customer.first_name} ${customer.last_name}`
      say(`Customer ${id} saved.`)
    } catch (error) {
      sayError(error, `Saving customer ${id}`)
    }
  })

  async function remove() {
    if (!confirm(`Delete customer ${id} (${customer.email}) and everything it holds?`)) return
    try {
      await api(hash, 'DELETE', `/customers?id:in=${id}`)
      say(`Customer ${id} deleted.`)
      location.hash = list
    } catch (error) {
      sayError(error, `Deleting customer ${id}`)
    }
  }

  const summary = h('div', null, summaryOf(customer))
  const heading = h('h1', null, `${customer.first_name} ${customer.last_name}`)
  const addresses = customer.addresses ?? []
  const attributes = customer.attributes ?? []
  const formFields = customer.form_fields ?? []
  const metas = metafields.value?.data ?? []
  const cards = Array.isArray(instruments.value) ? instruments.value : []

  replace(main,
    h('p', null, h('a', { href: list }, '‹ Customers')),
    heading,
    h('div', { class: 'columns' },
      h('div', null, summary,
        h('button', { type: 'button', class: 'danger', onclick: remove, 'aria-describedby': 'delete-note' }, 'Delete customer'),
        h('p', { id: 'delete-note', class: 'muted' }, 'Deleting removes its addresses, attribute values, form field values, metafields and consent too.')),
      section('edit-h', 'Edit', form)),
    section('addresses-h', 'Addresses', table('Addresses', ['Id', 'Name', 'Address', 'City', 'Region', 'Postal code', 'Country', 'Phone', 'Type'], addresses.map((a) => [
      String(a.id), `${a.first_name} ${a.last_name}`, [a.company, a.address1, a.address2].filter(Boolean).join(', '), a.city, a.state_or_province, a.postal_code, a.country_code, a.phone, a.address_type,
    ]), 'No addresses.')),
    section('attributes-h', 'Attributes', table('Attribute values', ['Attribute', 'Value', 'Modified'], attributes.map((a) => [
      `${names.get(a.attribute_id) ?? 'attribute'} (${a.attribute_id})`, String(a.attribute_value ?? a.value ?? ''), time(a.date_modified, h),
    ]), 'No attribute values.')),
    section('form-fields-h', 'Form fields', table('Form field values', ['Name', 'Value'], formFields.map((f) => [
      f.name, typeof f.value === 'string' ? f.value : JSON.stringify(f.value),
    ]), 'No form field values.')),
    section('metafields-h', 'Metafields', failed(metafields, 'metafields'), table('Metafields', ['Id', 'Namespace', 'Key', 'Value', 'Permission', 'Owner', 'Modified'], metas.map((m) => [
      String(m.id), m.namespace, m.key, h('span', { class: 'wrap' }, m.value), m.permission_set, m.owner_client_id ?? '—', time(m.date_modified, h),
    ]), 'No metafields.')),
    section('consent-h', 'Consent', failed(consent, 'consent'), consent.value ? facts([
      ['Allowed', (consent.value.allow ?? []).join(', ') || 'none'],
      ['Denied', (consent.value.deny ?? []).join(', ') || 'none'],
      ['Updated', time(consent.value.updated_at, h)],
    ]) : null),
    section('instruments-h', 'Stored instruments', failed(instruments, 'stored instruments'), table('Stored instruments', ['Token', 'Type', 'Details', 'Default'], cards.map((c) => [
      h('code', null, c.token ?? '—'), c.type, instrumentText(c), c.is_default ? 'yes' : 'no',
    ]), 'No stored instruments.')))
}

function summaryOf(c) {
  return facts([
    ['Id', String(c.id)],
    ['Email', c.email],
    ['Company', c.company || '—'],
    ['Phone', c.phone || '—'],
    ['Group', String(c.customer_group_id)],
    ['Notes', c.notes || '—'],
    ['Store credit', (c.store_credit_amounts ?? []).map((s) => s.amount).join(', ') || '—'],
    ['Channels', c.channel_ids ? c.channel_ids.join(', ') : 'all'],
    ['Created', time(c.date_created, h)],
    ['Modified', time(c.date_modified, h)],
  ])
}

function instrumentText(c) {
  if (c.type === 'stored_card') return `${c.brand ?? 'card'} •••• ${c.last_4 ?? ''} exp. ${c.expiry_month ?? '?'}/${c.expiry_year ?? '?'}`
  if (c.type === 'stored_paypal_account') return c.email ?? 'PayPal'
  if (c.type === 'stored_bank_account') return `${c.issuer ?? 'bank'} ${c.masked_account_number ?? ''}`
  return JSON.stringify(c)
}
