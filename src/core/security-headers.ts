import type { FastifyInstance } from 'fastify'

// Headers that cost nothing and close off what a JSON API never needs: content sniffing, framing,
// referrers, and (outside the docs page, which runs Swagger UI's scripts) any active content.
// HSTS is the TLS terminator's to send: Clientele itself speaks plain HTTP behind it.

const ALWAYS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
} as const

const NO_ACTIVE_CONTENT = { ...ALWAYS, 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" } as const

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(req.url === '/docs' || req.url.startsWith('/docs/') ? ALWAYS : NO_ACTIVE_CONTENT)
    done()
  })
}
