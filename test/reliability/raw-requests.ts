import fc from 'fast-check'

// Arbitrary HTTP/1.1 requests as bytes, for the raw-socket fuzz case: each built from a request
// line, header lines, framing and a body, any of which may be broken the ways real clients and
// scanners break them (raw non-ASCII bytes, control bytes, a missing colon, a 1 MB URL, two
// Content-Lengths, bad chunked encoding, a body over the limit, a second request pipelined behind).
// Every request is complete in its framing: the server never needs more bytes to decide, so a
// server that does not answer is at fault, not the request.

export interface RawRequest {
  bytes: Buffer
  /** sent in pieces of this many bytes (a slow client), or in one write */
  pieces?: number
  /** the methods of the requests the server may read in `bytes`, in order */
  methods: string[]
  /** what was broken, for the failure message and the tally */
  kinds: string[]
}

export interface RawContext {
  hash: string
  token: string
  /** the server's body limit, in bytes */
  bodyLimit: number
}

const latin1 = (text: string) => Buffer.from(text, 'latin1')
const KB = 1024

/** Bytes that are not allowed where they go: control bytes, DEL, and raw non-ASCII. */
const badByte = fc.oneof(fc.integer({ min: 0x00, max: 0x08 }), fc.integer({ min: 0x0b, max: 0x1f }), fc.constant(0x7f), fc.integer({ min: 0x80, max: 0xff }))
const badBytes = fc.array(badByte, { minLength: 1, maxLength: 4 }).map((bytes) => String.fromCharCode(...bytes))
/** Sizes past Node's 16 KB header limit, up to 1 MB: the large ones are rarer, as they cost time. */
const oversize = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 17 * KB, max: 64 * KB }) }, { weight: 1, arbitrary: fc.constantFrom(256 * KB, 1024 * KB) })

interface Parts {
  method: string
  target: string
  version: string
  headers: string[]
  body: Buffer
  kinds: string[]
}

const methodPart = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH').map((m) => [m, []] as const) },
  { weight: 1, arbitrary: fc.constantFrom('get', 'FOO', 'G\x01T', 'HEAD\t', 'CONNECT', 'TRACE', 'HE\xc4D').map((m) => [m, ['method']] as const) },
)

function targetPart(ctx: RawContext) {
  const paths = [
    '/healthz',
    `/stores/${ctx.hash}/v3/customers`,
    `/stores/${ctx.hash}/v3/customers?limit=5&email:in=a@example.com`,
    `/stores/${ctx.hash}/v3/customers/attributes`,
    `/stores/${ctx.hash}/v3/carts/0b3a/metafields`,
    '/stores/unknown/v3/customers',
    '/nowhere',
  ]
  const path = fc.constantFrom(...paths)
  return fc.oneof(
    { weight: 8, arbitrary: path.map((p) => [p, []] as const) },
    { weight: 2, arbitrary: fc.tuple(path, badBytes).map(([p, bad]) => [`${p}${bad}x`, ['target bytes']] as const) },
    { weight: 1, arbitrary: fc.tuple(path, oversize).map(([p, n]) => [`${p}?q=${'a'.repeat(n)}`, ['target size']] as const) },
    { weight: 1, arbitrary: fc.constantFrom('*', 'http://x/healthz', '', '//', '/a b').map((t) => [t, ['target form']] as const) },
  )
}

const versionPart = fc.oneof(
  { weight: 10, arbitrary: fc.constant(['HTTP/1.1', []] as const) },
  { weight: 1, arbitrary: fc.constant(['HTTP/1.0', []] as const) },
  { weight: 1, arbitrary: fc.constantFrom('HTTP/2.0', 'HTTP/1.1 x', 'HTPT/1.1', 'HTTP/1', '', 'http/1.1', 'HTTP/1.\xb9').map((v) => [v, ['version']] as const) },
)

/** Header lines that break the grammar or the size limit. */
const badHeader = fc.oneof(
  fc.constantFrom('X-No-Colon', 'X-Space : value', ' X-Leading: space', 'X-Fold: a\r\n folded', ': no-name', 'X(Bad): name').map((h) => [h, 'header grammar'] as const),
  badBytes.map((bad) => [`X-Value: a${bad}b`, 'header bytes'] as const),
  badBytes.map((bad) => [`X-N${bad}me: value`, 'header bytes'] as const),
  oversize.map((n) => [`X-Big: ${'b'.repeat(n)}`, 'header size'] as const),
  fc.integer({ min: 200, max: 3_000 }).map((n) => [Array.from({ length: n }, (_, i) => `X-Many-${i}: v`).join('\r\n'), 'header count'] as const),
  fc.constantFrom('Upgrade: h2c\r\nConnection: Upgrade, HTTP2-Settings', 'Expect: 100-continue', 'Expect: nonsense', 'Host: a\r\nHost: b').map((h) => [h, 'header semantics'] as const),
)

/** How the body is framed: right, or in one of the ways a parser must refuse. */
type Framing = 'length' | 'chunked' | 'two lengths' | 'bad length' | 'length and chunked' | 'bad chunk' | 'unknown coding' | 'short length'
const framingPart = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Framing>('length', 'chunked') },
  { weight: 2, arbitrary: fc.constantFrom<Framing>('two lengths', 'bad length', 'length and chunked', 'bad chunk', 'unknown coding', 'short length') },
)

function bodyPart(ctx: RawContext) {
  const json = fc.oneof(
    fc.constant('[{"email":"raw@example.com","first_name":"Raw","last_name":"Socket"}]'),
    fc.constant('{"not":"an array"}'),
    fc.constant('[{"email":'),
    fc.string({ maxLength: 40 }),
  )
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(['', []] as const) },
    { weight: 5, arbitrary: json.map((text) => [text, []] as const) },
    { weight: 1, arbitrary: fc.integer({ min: ctx.bodyLimit + 1, max: 2 * ctx.bodyLimit }).map((n) => [`["${'x'.repeat(n)}"]`, ['body size']] as const) },
  )
}

function frame(body: Buffer, framing: Framing): { lines: string[]; bytes: Buffer; leftover: boolean } {
  const chunked = (data: Buffer) => Buffer.concat([latin1(data.length ? `${data.length.toString(16)}\r\n` : ''), data, latin1(data.length ? '\r\n0\r\n\r\n' : '0\r\n\r\n')])
  switch (framing) {
    case 'length':
      return { lines: [`Content-Length: ${body.length}`], bytes: body, leftover: false }
    case 'chunked':
      return { lines: ['Transfer-Encoding: chunked'], bytes: chunked(body), leftover: false }
    case 'two lengths':
      return { lines: [`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`], bytes: body, leftover: false }
    case 'bad length':
      return { lines: [`Content-Length: ${['-1', 'abc', '1e3', '99999999999999999999999', '+4', '4 4'][body.length % 6]}`], bytes: body, leftover: false }
    case 'length and chunked':
      return { lines: [`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked'], bytes: chunked(body), leftover: false }
    case 'bad chunk':
      return { lines: ['Transfer-Encoding: chunked'], bytes: Buffer.concat([latin1('zz\r\n'), body, latin1('\r\n0\r\n\r\n')]), leftover: false }
    case 'unknown coding':
      return { lines: ['Transfer-Encoding: gzip'], bytes: body, leftover: false }
    case 'short length': {
      // The rest of the body is read as the next request, ended so that the parser need not wait for more.
      const leftover = body.length - Math.floor(body.length / 2) > 0
      return { lines: [`Content-Length: ${Math.floor(body.length / 2)}`], bytes: leftover ? Buffer.concat([body, latin1('\r\n\r\n')]) : body, leftover }
    }
  }
}

/** A method as the client that sent it reads the answer: `HEAD\t` is a HEAD, expecting no body. */
const asClientSees = (method: string) => (/^HEAD(?![!#$%&'*+.^_`|~0-9A-Za-z-])/.test(method) ? 'HEAD' : method)

/** The request as text, long runs cut: how a failure prints it. */
export function describeRequest(request: RawRequest): string {
  const text = request.bytes.toString('latin1')
  const cut = text.length > 600 ? `${text.slice(0, 300)}...(${text.length} bytes)...${text.slice(-200)}` : text
  return `${request.kinds.join(', ')}${request.pieces ? ` (in pieces of ${request.pieces} bytes)` : ''}: ${JSON.stringify(cut)}`
}

/** fast-check prints a failing request this way, rather than as a megabyte of byte values. */
const shown = (request: RawRequest): RawRequest => Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) })

function build(ctx: RawContext, parts: Parts, framing: Framing): RawRequest {
  const { lines, bytes, leftover } = frame(parts.body, framing)
  const head = [`${parts.method} ${parts.target} ${parts.version}`.trimEnd(), ...parts.headers, ...lines].join('\r\n')
  const kinds = [...parts.kinds, ...(framing === 'length' || framing === 'chunked' ? [] : [`framing: ${framing}`])]
  return shown({
    bytes: Buffer.concat([latin1(`${head}\r\n\r\n`), bytes]),
    methods: leftover ? [asClientSees(parts.method), 'other'] : [asClientSees(parts.method)],
    kinds: kinds.length ? kinds : ['well-formed'],
  })
}

/** One request, broken in none, one or several of its parts. */
export function rawRequest(ctx: RawContext): fc.Arbitrary<RawRequest> {
  const baseHeaders = ['Host: 127.0.0.1', `X-Auth-Token: ${ctx.token}`, 'Accept: application/json', 'Content-Type: application/json']
  return fc
    .record({
      method: methodPart,
      target: targetPart(ctx),
      version: versionPart,
      extra: fc.array(badHeader, { maxLength: 2 }),
      dropHost: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
      body: bodyPart(ctx),
      framing: framingPart,
    })
    .map(({ method, target, version, extra, dropHost, body, framing }) => {
      const headers = [...baseHeaders.filter((h) => !(dropHost && h.startsWith('Host:'))), ...extra.map(([line]) => line)]
      const kinds = [...method[1], ...target[1], ...version[1], ...extra.map(([, kind]) => kind), ...(dropHost ? ['no host'] : []), ...body[1]]
      return build(ctx, { method: method[0], target: target[0], version: version[0], headers, body: latin1(body[0]), kinds }, framing)
    })
}

/** Most requests go in one write; some trickle in pieces, so that the parser meets them across packets. */
export function inPieces(requests: fc.Arbitrary<RawRequest>): fc.Arbitrary<RawRequest> {
  const pieces = fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(1, 7, 100, 1024, 16 * KB) })
  return fc.tuple(requests, pieces).map(([request, size]) =>
    // Never more than 500 writes: a megabyte goes in pieces of 2 KB at least.
    size === undefined ? request : shown({ ...request, pieces: Math.max(size, Math.ceil(request.bytes.length / 500)) }),
  )
}

/** Two requests in one write: a well-formed GET, then one that may be broken (a HEAD, say). */
export function pipelined(ctx: RawContext): fc.Arbitrary<RawRequest> {
  const first = latin1(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)
  return rawRequest(ctx).map((second) =>
    shown({ bytes: Buffer.concat([first, second.bytes]), methods: ['GET', ...second.methods], kinds: ['pipelined', ...second.kinds] }),
  )
}
