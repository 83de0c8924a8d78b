// A store's customers through its own API: the list's filters as BigCommerce names them, paged,
// and a form that creates one. The filters live in the route (#/stores/x/customers?email:in=...),
// so a search can be bookmarked and Back works.

import { api, query as qs } from '../api.js'
import { field, h, replace, table } from '../dom.js'
import { count, time } from '../format.js'
import { say, sayError } from '../status.js'

const FILTERS = [
  ['email:in', 'Email (email:in)', 'comma-separated', 'text'],
  ['name:like', 'Name (name:like)', 'part of first or last name', 'text'],
  ['company:in', 'Company (company:in)', 'comma-separated', 'text'],
  ['id:in', 'Id (id:in)', 'comma-separated', 'text'],
  ['customer_group_id:in', 'Group (customer_group_id:in)', 'comma-separated', 'text'],
  ['date_created:min', 'Created from (date_created:min)', 'YYYY-MM-DD', 'date'],
  ['date_created:max', 'Created until (date_created:max)', 'YYYY-MM-DD', 'date'],
]
const SORTS = ['', 'date_created:asc', 'date_created:desc', 'last_name:asc', 'last_name:desc', 'date_modified:asc', 'date_modified:desc']
const LIMITS = ['10', '25', '50', '100', '250']

export default async function render(main, { hash, query, route }) {
  const here = (q) => route(['stores', hash, 'customers'], q)
  const results = h('div', { 'aria-live': 'polite' }, 'Loading…')

  const form = h('form', { role: 'search', 'aria-label': 'Search customers' },
    h('div', { class: 'grid' },
      FILTERS.map(([name, label, hint, type]) => field(label, { name, type, value: query[name] ?? '', autocomplete: 'off' }, hint)),
      field('Sort', { tag: 'select', name: 'sort', options: SORTS.map((s) => [s, s || 'default (id)']) }),
      field('Per page', { tag: 'select', name: 'limit', options: LIMITS.map((l) => [l, l]) })),
    h('div', { class: 'toolbar' },
      h('button', { type: 'submit' }, 'Search'),
      h('button', { type: 'button', class: 'quiet', onclick: () => { location.hash = here({}) } }, 'Clear')))
  form.elements.sort.value = query.sort ?? ''
  form.elements.limit.value = LIMITS.includes(query.limit) ? query.limit : '50'
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const next = {}
    for (const [name] of FILTERS) next[name] = form.elements[name].value.trim()
    next.sort = form.elements.sort.value
    next.limit = form.elements.limit.value === '50' ? '' : form.elements.limit.value
    location.hash = here(next)
  })

  const createForm = h('form', null,
    h('div', { class: 'grid' },
      field('First name', { name: 'first_name', required: true, maxlength: '100', autocomplete: 'off' }),
      field('Last name', { name: 'last_name', required: true, maxlength: '100', autocomplete: 'off' }),
      field('Email', { name: 'email', type: 'email', required: true, maxlength: '255', autocomplete: 'off' }),
      field('Company', { name: 'company', maxlength: '255', autocomplete: 'off' }),
      field('Phone', { name: 'phone', maxlength: '50', autocomplete: 'off' })),
    h('button', { type: 'submit' }, 'Create customer'))
  createForm.addEventListener('submit', async (event) => {
    event.preventDefault()
    const customer = {}
    for (const name of ['first_name', 'last_name', 'email', 'company', 'phone']) {
      const value = createForm.elements[name].value.trim()
      if (value) customer[name] = value
    }
    try {
      const { data } = await api(hash, 'POST', '/customers', [customer])
      say(`Customer ${data[0].id} (${data[0].email}) created.`)
      createForm.reset()
      await load()
    } catch (error) {
      sayError(error, 'Creating the customer')
    }
  })

  async function load() {
    const params = {}
    for (const [name] of FILTERS) params[name] = query[name]
    params.sort = query.sort
    params.page = String(Math.max(1, Number(query.page) || 1))
    params.limit = LIMITS.includes(query.limit) ? query.limit : '50'
    try {
      const { data, meta } = await api(hash, 'GET', `/customers${qs(params)}`)
      const p = meta.pagination
      const pager = h('nav', { class: 'toolbar', 'aria-label': 'Pages' },
        h('button', { type: 'button', class: 'quiet', disabled: p.current_page <= 1, onclick: () => { location.hash = here({ ...query, page: p.current_page - 1 }) } }, '‹ Previous'),
        h('span', null, `Page ${count(p.current_page)} of ${count(p.total_pages)} · ${count(p.count)} shown of ${count(p.total)} · ${count(p.per_page)} per page`),
        h('button', { type: 'button', class: 'quiet', disabled: p.current_page >= p.total_pages, onclick: () => { location.hash = here({ ...query, page: p.current_page + 1 }) } }, 'Next ›'))
      replace(results,
        table('Customers', ['Id', 'Name', 'Email', 'Company', 'Group', 'Created'], data.map((c) => [
          h('a', { href: `${route(['stores', hash, 'customers', String(c.id)])}` }, String(c.id)),
          h('a', { href: `${route(['stores', hash, 'customers', String(c.id)])}` }, `${c.first_name} ${c.last_name}`),
          c.email,
          c.company,
          String(c.customer_group_id),
          time(c.date_created, h),
        ]), 'No customer matches.'),
        pager)
    } catch (error) {
      replace(results, h('p', { class: 'error' }, 'The search failed.'))
      sayError(error, 'Searching')
    }
  }

  replace(main,
    h('h1', null, 'Customers'),
    form,
    h('section', { 'aria-labelledby': 'results-h' }, h('h2', { id: 'results-h' }, 'Results'), results),
    h('details', null, h('summary', null, 'Create a customer'), createForm))
  await load()
}
