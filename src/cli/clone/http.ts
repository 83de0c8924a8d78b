// The clone's HTTP client: GETs against the source store's API, paced by its rate-limit headers
// and retried through transient failures. BigCommerce documents the headers (BEHAVIOUR 10):
// `X-Rate-Limit-Requests-Left` and `X-Rate-Limit-Time-Reset-Ms` on every answer, and on a 429
// `X-Retry-After` in seconds ("honour the larger of X-Retry-After and reset-ms"). A 429 without
// them is platform overload, not the quota: it is retried like a 5xx.

export class SourceError extends Error {
  constructor(
    message: string,
    /** the source was unreachable or kept failing: the work so far is worth resuming */
    readonly transient = false,
  ) {
    super(message)
  }
}

export type SourceEvent =
  | { kind: 'rate-limit'; waitMs: number; header: string }
  | { kind: 'retry'; waitMs: number; reason: string }

export interface SourceOptions {
  token: string
  /** how long a run of failures may last before the clone gives up */
  retryForMs: number
  /** one request, headers and body */
  timeoutMs: number
  onEvent: (event: SourceEvent) => void
}

export interface SourceAnswer {
  status: number
  body: unknown
}

// Backoff: 250 ms doubling to 10 s, each wait between half and all of that (jitter, so that
// clients failing together do not come back together).
const FIRST_BACKOFF_MS = 250
const MAX_BACKOFF_MS = 10_000
// A window's end as the source counts it may fall a few ms after ours.
const RESET_MARGIN_MS = 100

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function header(response: Response, name: string): number | undefined {
  const text = response.headers.get(name)
  const value = text === null ? Number.NaN : Number(text)
  return Number.isFinite(value) ? value : undefined
}

/** What went wrong with a request that got no answer, in a few words: the system's code where there is one. */
function failureOf(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no answer in time'
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  if (typeof cause?.code === 'string') return cause.code
  if (typeof cause?.message === 'string') return cause.message
  return error instanceof Error ? error.message : String(error)
}

export class SourceClient {
  /** requests sent, answered or not */
  requests = 0
  /** no request leaves before this (epoch ms): the quota said none are left */
  private notBefore = 0
  /** the header that set notBefore, for the progress line */
  private waitingFor = ''

  constructor(private readonly options: SourceOptions) {}

  /**
   * GETs a URL of the source. Answers any status the caller decides about (2xx, 403, 404 and the
   * other client errors); throws a SourceError for a 401, and once failures (no answer, 5xx,
   * overload) have gone on for longer than `retryForMs`.
   */
  async get(url: URL): Promise<SourceAnswer> {
    let failingSince: number | undefined
    let attempt = 0
    for (;;) {
      await this.waitForQuota()
      let failure: string
      try {
        this.requests += 1
        const response = await fetch(url, {
          headers: { 'x-auth-token': this.options.token, accept: 'application/json' },
          signal: AbortSignal.timeout(this.options.timeoutMs),
        })
        const text = await response.text()
        this.noteQuota(response)
        if (response.status === 429 && this.retryAfter(response) !== undefined) {
          // The quota ran out after all (another app shares it): not a failure, a wait.
          this.pause(this.retryAfter(response)!, 'X-Retry-After')
          continue
        }
        if (response.status === 401) throw new SourceError('the source refused the token (401 Unauthorized): check --token')
        if (response.status < 500 && response.status !== 429 && response.status !== 408) return { status: response.status, body: parse(text, response, url) }
        failure = `${response.status} ${response.statusText}`.trim()
      } catch (error) {
        if (error instanceof SourceError) throw error
        failure = failureOf(error)
      }
      failingSince ??= Date.now()
      const waitMs = Math.round(Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt) * (0.5 + Math.random() / 2))
      attempt += 1
      if (Date.now() + waitMs - failingSince > this.options.retryForMs) {
        const seconds = Math.round((Date.now() - failingSince) / 100) / 10
        throw new SourceError(`the source kept failing for ${seconds} s (${failure} on GET ${url.pathname}${url.search})`, true)
      }
      this.options.onEvent({ kind: 'retry', waitMs, reason: failure })
      await sleep(waitMs)
    }
  }

  // Said when the wait begins, not when the answer that calls for it arrives: the caller has
  // checkpointed that answer by then, so a clone stopped during the wait has lost nothing.
  private async waitForQuota(): Promise<void> {
    const waitMs = this.notBefore - Date.now()
    if (waitMs <= 0) return
    this.options.onEvent({ kind: 'rate-limit', waitMs, header: this.waitingFor })
    await sleep(waitMs)
  }

  private pause(waitMs: number, header: string): void {
    this.notBefore = Date.now() + waitMs
    this.waitingFor = header
  }

  /** After the last request of a window, the next waits for the window to end. */
  private noteQuota(response: Response): void {
    const left = header(response, 'x-rate-limit-requests-left')
    const resetMs = header(response, 'x-rate-limit-time-reset-ms')
    if (left === undefined || resetMs === undefined || left > 0 || response.status === 429) return
    this.pause(resetMs + RESET_MARGIN_MS, 'X-Rate-Limit-Time-Reset-Ms')
  }

  /** A quota 429's wait: the larger of X-Retry-After (seconds) and the window's reset; undefined for an overload 429. */
  private retryAfter(response: Response): number | undefined {
    const seconds = header(response, 'x-retry-after')
    if (seconds === undefined) return undefined
    return Math.max(seconds * 1000, header(response, 'x-rate-limit-time-reset-ms') ?? 0) + RESET_MARGIN_MS
  }
}

/** The answer's JSON; an error's body may be anything (a proxy's HTML 404), a success's must be JSON. */
function parse(text: string, response: Response, url: URL): unknown {
  if (response.status === 204 || text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    if (!response.ok) return undefined
    throw new SourceError(`the source's answer to GET ${url.pathname} is not JSON (${response.status}, ${response.headers.get('content-type') ?? 'no content type'}): is --from the store's API base, like https://api.bigcommerce.com/stores/<hash>?`)
  }
}
