import fc from 'fast-check'
import type { ApiRoute } from './routes.js'

// What the fuzzer sends: arbitrary requests to the API's own routes, near enough to real ones to
// get past the first checks (a real token most of the time, JSON most of the time, known query
// parameter names beside random ones, bodies shaped like customers and metafields with wrong
// parts) and far enough to reach every error path. Values that depend on the store (tokens,
// ids that exist) are named here and filled in when the request is sent.

export type TokenChoice = 'full' | 'read-only' | 'none' | 'garbage'
export type ParamChoice = { kind: 'existing' } | { kind: 'raw'; value: string }

export interface FuzzRequest {
  route: ApiRoute
  params: Record<string, ParamChoice>
  /** the query string, without `?`, as sent */
  query: string
  token: TokenChoice
  headers: Record<string, string>
  /** as sent; undefined: no body */
  body: string | undefined
}

/** Query parameter names the API's routes know, so that values get checked, not just names refused. */
const KNOWN_KEYS = [
  'id:in', 'page', 'limit', 'sort', 'include', 'email:in', 'name:in', 'name:like', 'company:in', 'customer_group_id:in',
  'date_created', 'date_created:min', 'date_created:max', 'date_modified:min', 'date_modified:max', 'registration_ip_address:in',
  'phone:in', 'customer_id:in', 'key', 'key:in', 'namespace', 'namespace:in', 'include_fields', 'after', 'before',
  'channel_id', 'channel_id:in', 'attribute_id:in', 'name', 'field_name', 'address_id:in', 'direction', 'resource_id:in',
]

/** Headers whose arbitrary values would break the HTTP framing itself rather than test the app. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'host', 'connection', 'expect', 'upgrade', 'te', 'trailer'])

// Text for URLs is valid Unicode (encodeURIComponent refuses lone surrogates); bodies get any
// code unit, lone surrogates and NUL included, through JSON escapes.
const urlText = fc.string({ unit: 'grapheme', maxLength: 24 })
const anyText = fc.string({ unit: 'binary', maxLength: 40 })
const printable = fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))

const integerText = fc.oneof(
  fc.integer({ min: -3, max: 300 }).map(String),
  fc.constantFrom('0', '-1', '2147483647', '2147483648', '99999999999999999999', '1.5', '1e3', '0x10', ' 1', ''),
)
const dateText = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom('2024-05-14', '2024-13-45', '1715644800', '1715644800000', 'yesterday', '2024-05-14T10:00:00+02:00'),
)
const queryValue = fc.oneof(
  { weight: 3, arbitrary: integerText },
  { weight: 2, arbitrary: fc.array(integerText, { maxLength: 4 }).map((parts) => parts.join(',')) },
  { weight: 1, arbitrary: dateText },
  { weight: 2, arbitrary: urlText },
  { weight: 1, arbitrary: fc.constantFrom('asc', 'desc', 'last_name:asc', 'date_created:desc', 'addresses,attributes', 'storecredit', 'id:desc') },
)
const queryKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...KNOWN_KEYS).map((k) => `${k}[]`) },
  { weight: 1, arbitrary: urlText.filter((k) => k !== '') },
)
const query = fc
  .array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v, encodeColon]) => `${encodeURIComponent(k).replace(encodeColon ? /$^/ : /%3A/g, ':')}=${encodeURIComponent(v)}`).join('&'))

const email = fc.oneof(fc.emailAddress(), anyText, fc.constant(''), fc.constant('UPPER@Example.COM'))
const scalar = fc.oneof(anyText, fc.integer(), fc.boolean(), fc.constant(null), fc.double())
/** A customer-ish object: the right field names with values right or wrong. */
const customerLike = fc.record(
  {
    id: fc.oneof(fc.integer({ min: -1, max: 20 }), scalar),
    email,
    first_name: fc.oneof(anyText, scalar),
    last_name: fc.oneof(anyText, scalar),
    company: anyText,
    phone: anyText,
    notes: anyText,
    customer_group_id: fc.oneof(fc.integer({ min: -1, max: 3 }), scalar),
    authentication: fc.record({ new_password: fc.oneof(anyText, fc.constant('secret123')), force_password_reset: scalar }, { requiredKeys: [] }),
    channel_ids: fc.oneof(fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 3 }), scalar),
    origin_channel_id: fc.oneof(fc.integer({ min: 0, max: 3 }), scalar),
    addresses: fc.array(fc.dictionary(fc.constantFrom('address1', 'city', 'country_code', 'first_name', 'last_name', 'postal_code'), anyText), { maxLength: 2 }),
    attributes: fc.array(fc.record({ attribute_id: fc.integer({ min: 0, max: 3 }), attribute_value: anyText }), { maxLength: 2 }),
    customer_id: fc.oneof(fc.integer({ min: -1, max: 20 }), scalar),
    attribute_id: fc.oneof(fc.integer({ min: 0, max: 5 }), scalar),
    value: fc.oneof(anyText, scalar),
    name: anyText,
    type: fc.oneof(fc.constantFrom('string', 'number', 'date'), anyText),
  },
  { requiredKeys: [] },
)
const metafieldLike = fc.record(
  {
    id: fc.oneof(fc.integer({ min: -1, max: 20 }), scalar),
    namespace: anyText,
    key: anyText,
    value: fc.oneof(anyText, scalar),
    description: anyText,
    permission_set: fc.oneof(fc.constantFrom('app_only', 'read', 'write', 'read_and_sf_access', 'write_and_sf_access'), anyText),
    resource_id: fc.oneof(fc.integer({ min: -1, max: 20 }), fc.uuid(), scalar),
  },
  { requiredKeys: [] },
)
const body = fc.oneof(
  { weight: 4, arbitrary: fc.array(customerLike, { maxLength: 12 }).map((items) => JSON.stringify(items)) },
  { weight: 2, arbitrary: customerLike.map((item) => JSON.stringify(item)) },
  { weight: 2, arbitrary: fc.array(metafieldLike, { maxLength: 4 }).map((items) => JSON.stringify(items)) },
  { weight: 2, arbitrary: metafieldLike.map((item) => JSON.stringify(item)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: -1, max: 30 }), { maxLength: 12 }).map((ids) => JSON.stringify(ids)) },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 80 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '[{"email": }]', 'null', '[]', '{}', '"text"') },
)

const raw = (value: string): ParamChoice => ({ kind: 'raw', value })
const param: fc.Arbitrary<ParamChoice> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<ParamChoice>({ kind: 'existing' }) },
  { weight: 2, arbitrary: integerText.map(raw) },
  { weight: 1, arbitrary: fc.uuid().map(raw) },
  { weight: 1, arbitrary: urlText.map(raw) },
)

const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'undefined', 'application/xml') },
  { weight: 1, arbitrary: printable },
)
const extraHeaders = fc.dictionary(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/).filter((name) => !FRAMING_HEADERS.has(name) && name !== 'content-type'),
  printable,
  { maxKeys: 3 },
)

export function fuzzRequest(routes: ApiRoute[]): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...routes).chain((route) => {
    const takesBody = route.method !== 'GET' && route.method !== 'HEAD'
    return fc.record({
      route: fc.constant(route),
      params: fc.record(Object.fromEntries(route.params.map((name) => [name, param])) as Record<string, fc.Arbitrary<ParamChoice>>),
      query,
      token: fc.oneof(
        { weight: 12, arbitrary: fc.constant<TokenChoice>('full') },
        { weight: 1, arbitrary: fc.constantFrom<TokenChoice>('read-only', 'none', 'garbage') },
      ),
      headers: fc.tuple(fc.option(contentType, { freq: 8 }), extraHeaders).map(([type, extra]) => ({ ...extra, ...(type === null ? {} : { 'content-type': type }) })),
      // Reads rarely carry a body (some clients send one anyway); writes mostly do.
      body: fc.oneof(
        { weight: takesBody ? 1 : 9, arbitrary: fc.constant(undefined) },
        { weight: takesBody ? 9 : 1, arbitrary: body },
      ),
    })
  })
}
