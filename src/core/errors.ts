// Every error the API can answer, defined once. Titles are BigCommerce's own wording where it has
// been observed (see ../docs/COMPATIBILITY.md, "Errors"); services throw these, and the single
// error handler in error-handler.ts turns them into the envelope.

export const ERROR_TYPE = 'https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes'

export interface ErrorBody {
  status: number
  title: string
  type: string
  errors: Record<string, string>
  detail?: string
}

export class ApiError extends Error {
  // `statusCode` is what Fastify reads when an error comes back from a validator or a hook.
  readonly statusCode: number
  /** headers its response carries besides the envelope's (a 429's X-Retry-After) */
  headers: Readonly<Record<string, string>> = {}

  constructor(
    readonly status: number,
    readonly title: string,
    readonly errors: Record<string, string> = {},
    readonly detail?: string,
  ) {
    // An answer to the client, not a fault: no stack trace to capture (it costs more than the
    // rest of a 401). A fault answered 500 keeps its own error, with its stack, for the log.
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(title)
    Error.stackTraceLimit = limit
    this.statusCode = status
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { status: this.status, title: this.title, type: ERROR_TYPE, errors: this.errors }
    if (this.detail !== undefined) body.detail = this.detail
    return body
  }
}

export const TITLES = {
  invalidJson: 'Input is invalid',
  unauthorized: 'Unauthorized',
  missingScope: "You don't have a required scope to access the endpoint",
  notFound: 'Not Found',
  resourceNotFound: 'The resource at that URL is not found.',
  methodNotAllowed: 'Method Not Allowed',
  conflict: 'The request cannot be processed due to a possible conflict. Please review the changes and try again.',
  tooManyItems: 'The maximum number of items allowed in the array is 10',
  bodyTooLarge: 'Request body is too large',
  unsupportedMediaType: 'Unsupported Media Type',
  notAcceptable: 'Not Acceptable',
  invalidData: 'JSON data is missing or invalid',
  createCustomersFailed: 'Create customers failed.',
  updateCustomersFailed: 'Update customers failed.',
  metafieldNotOwned: 'The metafield belongs to another API account.',
  metafieldLimitReached: 'The metafield limit of this resource has been reached.',
  bulkOperationFailed: 'Bulk operation has failed',
  internal: 'Internal Server Error',
  tooManyRequests: 'Too many requests',
  requestTimeout: 'Request Timeout',
  headersTooLarge: 'Request Header Fields Too Large',
  badRequest: 'Bad Request',
  expectationFailed: 'Expectation Failed',
  csrfRefused: 'Forbidden',
} as const

export const invalidJson = () => new ApiError(400, TITLES.invalidJson, {}, 'Syntax error')
export const unauthorized = () => new ApiError(401, TITLES.unauthorized)
export const missingScope = () => new ApiError(403, TITLES.missingScope)
/** A change made with the console's session cookie, without its CSRF token or from another origin. */
export const csrfRefused = () =>
  new ApiError(403, TITLES.csrfRefused, {}, 'A change made with the console session needs its CSRF token in X-CSRF-Token, sent from the console\'s own origin.')
export const routeNotFound = () => new ApiError(404, TITLES.notFound)
export const resourceNotFound = () => new ApiError(404, TITLES.resourceNotFound)
export const methodNotAllowed = () =>
  new ApiError(405, TITLES.methodNotAllowed, {}, 'The requested HTTP method is invalid for this endpoint.')
export const conflict = (errors: Record<string, string> = {}) => new ApiError(409, TITLES.conflict, errors)
export const tooManyItems = (max: number) =>
  new ApiError(413, `The maximum number of items allowed in the array is ${max}`)
export const bodyTooLarge = (limitBytes: number) =>
  new ApiError(413, TITLES.bodyTooLarge, {}, `The request body exceeds the limit of ${limitBytes} bytes.`)
export const notAcceptable = (accept: string) =>
  new ApiError(406, TITLES.notAcceptable, {}, `Accept "${accept}" excludes the only type this API answers in; send "application/json".`)
export const unsupportedMediaType = (contentType: string | undefined) =>
  new ApiError(
    415,
    TITLES.unsupportedMediaType,
    {},
    contentType
      ? `Content-Type "${contentType}" is not supported; send "application/json".`
      : 'A request body needs the header "Content-Type: application/json".',
  )
export const invalidData = (errors: Record<string, string>) => new ApiError(422, TITLES.invalidData, errors)
export const unknownFilters = (names: string[]) =>
  new ApiError(422, `The filter(s): ${names.join(', ')} are not valid filter parameter(s).`)
export const invalidQueryValue = (name: string, message: string) =>
  new ApiError(422, `Query parameter "${name}" ${message}`)
export const internalError = () => new ApiError(500, TITLES.internal)

/**
 * A rule of the domain that a request breaks: `path` is where in the request (`0.addresses.1.city`),
 * the message what is wrong. Domain code throws it without knowing the route; the error handler
 * answers it once, as a 422 titled by the route that ran (its `ruleTitle`, else invalidData's):
 * the customers routes title their nested sub-resources' rules too (DECISIONS 2).
 */
export class RuleError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message)
  }
}

/** The envelope of a 422 for a broken rule, under the title the route gives its rules. */
export const ruleBroken = (error: RuleError, title: string = TITLES.invalidData) => new ApiError(422, title, { [error.path]: error.message })

// Limits (docs/COMPATIBILITY.md "Limits"): the title of the spec's own 429 example, for a spent
// quota and a full concurrency cap alike; a body nested past the limit is refused before parsing.
export const tooManyRequests = () => new ApiError(429, TITLES.tooManyRequests)
/** validate-credentials past its failure limit (docs/COMPATIBILITY.md "Validate credentials"): try again in `seconds`. */
export const tooManyLoginFailures = (seconds: number) => Object.assign(tooManyRequests(), { headers: { 'x-retry-after': String(seconds) } })
export const jsonTooDeep = (maxDepth: number) =>
  new ApiError(400, TITLES.invalidJson, {}, `The JSON body is nested deeper than ${maxDepth} levels.`)

// Failures of the HTTP exchange itself, met by Node's parser before any route (client-errors.ts).
export const requestTimeout = () => new ApiError(408, TITLES.requestTimeout)
export const headersTooLarge = () => new ApiError(431, TITLES.headersTooLarge)
export const badRequest = () => new ApiError(400, TITLES.badRequest)
export const expectationFailed = (expect: string) =>
  new ApiError(417, TITLES.expectationFailed, {}, `Expect: ${expect} is not understood; the only expectation is 100-continue.`)
export const missingHost = () => new ApiError(400, TITLES.badRequest, {}, 'An HTTP/1.1 request needs a Host header.')

// Metafields (docs/COMPATIBILITY.md "Metafields"). A batch item's failure is reported inside a
// partial-success body as `bulkItemFailed`, keyed by the item's index (or, for DELETE, its id).
export const METAFIELD_MISSING = 'Metafield does not exist'
export const metafieldExists = (namespace: string, key: string, resource: string) =>
  conflict({ key: `a metafield with namespace "${namespace}" and key "${key}" already exists on this ${resource} for this API account` })
export const metafieldNotOwned = (field: string, message: string) => new ApiError(403, TITLES.metafieldNotOwned, { [field]: message })
export const metafieldLimitReached = (message: string) => new ApiError(422, TITLES.metafieldLimitReached, { resource_id: message })
/** One failed item of a metafield batch, as the batch's `errors` list shows it. */
export const bulkItemFailed = (status: number, key: string, message: string): ErrorBody =>
  ({ status, title: TITLES.bulkOperationFailed, type: ERROR_TYPE, errors: { [key]: message } })

// Webhooks (docs/COMPATIBILITY.md "Webhooks"): the spec's 404 title, and the empty update's 422 as
// BigCommerce answers it (WEBHOOKS.md (a) 4, bigcommerce/docs#505), verbatim.
export const webhookNotFound = (id: number) => new ApiError(404, `Webhook with id [${id}] not found`)
export const emptyWebhookUpdate = () =>
  new ApiError(422, 'The following fields are invalid: data', { data: 'Update webhook request should not be empty' })
