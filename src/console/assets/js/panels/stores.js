// The stores: list and create. A store's own page (store.js) has its tokens, snapshots, reset
// and delete.

import { admin } from '../api.js'
import { field, h, replace, table } from '../dom.js'
import { time } from '../format.js'
import { say, sayError } from '../status.js'

export default async function render(main, { route }) {
  const list = h('div', { 'aria-busy': 'true' }, 'Loading…')

  async function load() {
    try {
      const { data } = await admin('GET', '/stores')
      list.removeAttribute('aria-busy')
      replace(list, table('Stores', ['Hash', 'Name', 'Created', 'Pages'], data.map((store) => [
        h('a', { href: route(['stores', store.hash]) }, store.hash),
        store.name,
        time(store.date_created, h),
        h('span', null,
          h('a', { href: `${route(['stores', store.hash])}/customers`, 'aria-label': `Customers of ${store.hash}` }, 'Customers'), ' · ',
          h('a', { href: `${route(['stores', store.hash])}/requests`, 'aria-label': `Requests of ${store.hash}` }, 'Requests')),
      ]), 'No stores yet: create one below.'))
    } catch (error) {
      replace(list, h('p', { class: 'error' }, 'Could not list the stores.'))
      sayError(error, 'Listing stores')
    }
  }

  const form = h('form', { class: 'inline', 'aria-labelledby': 'create-store' },
    field('Hash', { name: 'hash', required: true, maxlength: '64', autocomplete: 'off', pattern: '[A-Za-z0-9_\\-]+' }),
    field('Name', { name: 'name', maxlength: '255', autocomplete: 'off' }),
    h('button', { type: 'submit' }, 'Create store'))
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const hash = form.elements.hash.value.trim()
    const name = form.elements.name.value.trim()
    try {
      await admin('POST', '/stores', { hash, ...(name ? { name } : {}) })
      say(`Store ${hash} created.`)
      form.reset()
      await load()
    } catch (error) {
      sayError(error, `Creating store ${hash}`)
    }
  })

  replace(main,
    h('h1', null, 'Stores'),
    list,
    h('section', null, h('h2', { id: 'create-store' }, 'Create a store'), form))
  await load()
}
