// The one live region: what an action did, or why it failed (announced by screen readers).

let timer

export function say(message, kind = 'ok') {
  const region = document.getElementById('status')
  if (!region) return
  clearTimeout(timer)
  region.textContent = message
  region.className = `status ${kind}`
  if (kind === 'ok') timer = setTimeout(() => { region.textContent = ''; region.className = 'status' }, 8000)
}

/** An error from api.js (or anything thrown) as a sentence. */
export function sayError(error, doing) {
  say(`${doing ? `${doing}: ` : ''}${describe(error)}`, 'error')
}

export function describe(error) {
  if (!error) return 'failed'
  const parts = [error.status ? `${error.status} ${error.title ?? ''}`.trim() : error.message ?? String(error)]
  if (error.detail) parts.push(error.detail)
  const errors = error.errors
  if (errors && typeof errors === 'object') {
    for (const [key, value] of Object.entries(errors)) parts.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
  }
  return parts.join(' — ')
}
