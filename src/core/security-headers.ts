import type { FastifyInstance } from 'fastify'

// Headers that cost nothing and close off what a JSON API never needs: content sniffing, framing,
// referrers, and (outside the docs page, which runs Swagger UI's scripts, and the console, which
// runs its own) any active content.
// HSTS is the TLS terminator's to send: Clientele itself speaks plain HTTP behind it.

const ALWAYS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
} as const

/**
 * The console: its own scripts, styles and images only; no inline script, no other origin, no
 * framing. Its referrer policy is same-origin, so its sign-in form posts with its own Origin
 * (under no-referrer a browser sends `Origin: null`, which the CSRF check refuses).
 */
const CONSOLE = {
  ...ALWAYS,
  'referrer-policy': 'same-origin',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
} as const

const NO_ACTIVE_CONTENT = { ...ALWAYS, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" } as const

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    const url = req.url
    reply.headers(url === '/docs' || url.startsWith('/docs/') ? ALWAYS : url === '/console' || url.startsWith('/console/') || url.startsWith('/console?') ? CONSOLE : NO_ACTIVE_CONTENT)
    done()
  })
}
