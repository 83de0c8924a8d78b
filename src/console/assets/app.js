// The console's boot and router: hash routes, one panel module per route, loaded when first
// shown. Each panel renders into <main> and may return a function that stops what it started
// (a live stream, a timer) when another route is shown.

import { signOut } from './js/api.js'
import { h, replace } from './js/dom.js'
import { say, sayError } from './js/status.js'

const main = document.getElementById('main')
const navLinks = document.getElementById('nav-links')

const STORE_PANELS = [
  ['', 'Overview'],
  ['/customers', 'Customers'],
  ['/webhooks', 'Webhooks'],
  ['/requests', 'Requests'],
  ['/limits', 'Limits'],
]

/** `#/stores/x/customers?page=2` → { path: ['stores', 'x', 'customers'], query: { page: '2' } } */
function parseHash() {
  const raw = location.hash.replace(/^#/, '')
  const [pathPart, queryPart = ''] = raw.split('?', 2)
  const path = pathPart.split('/').filter(Boolean).map((p) => decodeURIComponent(p))
  const query = {}
  for (const pair of queryPart.split('&').filter(Boolean)) {
    const at = pair.indexOf('=')
    const key = decodeURIComponent(at < 0 ? pair : pair.slice(0, at))
    query[key] = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1).replace(/\+/g, ' '))
  }
  return { path, query }
}

/** The hash for a route: `route(['stores', hash, 'customers'], { page: 2 })`. */
export function route(path, query = {}) {
  const q = Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k).replace(/%3A/gi, ':')}=${encodeURIComponent(v)}`).join('&')
  return `#/${path.map((p) => encodeURIComponent(p)).join('/')}${q ? `?${q}` : ''}`
}

function resolve({ path }) {
  if (path.length === 0) return { panel: 'stores' }
  if (path[0] !== 'stores' || path.length < 2) return null
  const hash = path[1]
  if (path.length === 2) return { panel: 'store', hash }
  const section = path[2]
  if (section === 'customers' && path.length === 3) return { panel: 'customers', hash }
  if (section === 'customers' && path.length === 4 && /^\d+$/.test(path[3])) return { panel: 'customer', hash, id: Number(path[3]) }
  if (['webhooks', 'requests', 'limits'].includes(section) && path.length === 3) return { panel: section, hash }
  return null
}

function renderNav(hash, current) {
  const items = [h('li', null, h('a', { href: '#/', 'aria-current': current === '#/' ? 'page' : null }, 'Stores'))]
  if (hash !== undefined) {
    items.push(h('li', { class: 'store-name' }, h('span', { 'aria-hidden': 'true' }, '›'), ` ${hash}`))
    for (const [suffix, label] of STORE_PANELS) {
      const href = route(['stores', hash]) + suffix
      items.push(h('li', null, h('a', { href, 'aria-current': current === href ? 'page' : null, 'aria-label': suffix ? null : `Store ${hash} overview` }, label)))
    }
  }
  replace(navLinks, items)
}

let stop
let generation = 0

async function show() {
  if (/^#token=/.test(location.hash)) {
    // A dev sign-in link opened while already signed in: the token leaves the address bar.
    history.replaceState(null, '', `${location.pathname}#/`)
  }
  const mine = ++generation
  if (typeof stop === 'function') {
    try { stop() } catch { /* already stopped */ }
  }
  stop = undefined
  const parsed = parseHash()
  const target = resolve(parsed)
  const current = location.hash && location.hash !== '#' ? location.hash.split('?')[0] : '#/'
  renderNav(target?.hash, current)
  if (!target) {
    replace(main, h('h1', null, 'Not found'), h('p', null, 'No page here. ', h('a', { href: '#/' }, 'Back to the stores')))
    return
  }
  try {
    const module = await import(`./js/panels/${target.panel}.js`)
    if (mine !== generation) return
    const ctx = { ...target, query: parsed.query, route, isCurrent: () => mine === generation }
    replace(main)
    stop = await module.default(main, ctx)
    if (mine !== generation && typeof stop === 'function') stop()
    const heading = main.querySelector('h1')
    document.title = `${heading ? heading.textContent : 'Console'} · Clientele`
  } catch (error) {
    if (mine !== generation) return
    replace(main, h('h1', null, 'Could not load this page'), h('p', { class: 'error' }, error?.title ?? error?.message ?? String(error)))
    sayError(error)
  }
}

window.addEventListener('hashchange', () => {
  show()
  main.focus({ preventScroll: true })
})

document.getElementById('sign-out').addEventListener('click', async () => {
  try {
    await signOut()
  } catch (error) {
    sayError(error, 'Signing out')
  }
})

document.addEventListener('console:signed-out', () => {
  say('Your session has ended: reload the page to sign in again.', 'error')
})

show()
