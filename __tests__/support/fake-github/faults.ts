/** Fault injection: queued failures and delays consumed by matching requests. */

export interface RequestFilter {
  /** HTTP method, case-insensitive; any when absent. */
  method?: string
  /** String: path prefix (`/repos/o/r/issues`); RegExp: tested against the path. */
  path?: RegExp | string
}

export interface FailRule extends RequestFilter {
  status: number
  /** How many matching requests fail (default 1). */
  times?: number
  headers?: Record<string, string>
  /** Object → JSON; string → sent verbatim (HTML when it starts with `<`). */
  body?: unknown
}

export interface DelayRule extends RequestFilter {
  /** Milliseconds to wait before handling; long values simulate a hung request. */
  ms: number
  times?: number
}

interface Pending<T> {
  rule: T
  remaining: number
  scope?: string
}

export interface FaultResponse {
  status: number
  headers: Record<string, string>
  body: string
  contentType: string
}

const SECONDARY_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.'

/** Ready-made rules for the failures GitHub actually produces. */
export const faults = {
  /** 403 + retry-after, the body octokit's throttling plugin recognises. */
  secondaryRateLimit: (retryAfter = 1): FailRule => ({
    status: 403,
    headers: { 'retry-after': String(retryAfter) },
    body: {
      message: SECONDARY_LIMIT_MESSAGE,
      documentation_url:
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits'
    }
  }),
  /** 429 variant of the secondary limit GitHub also sends. */
  tooManyRequests: (retryAfter = 1): FailRule => ({
    status: 429,
    headers: { 'retry-after': String(retryAfter) },
    body: { message: SECONDARY_LIMIT_MESSAGE }
  }),
  /** Primary limit: 403 with `x-ratelimit-remaining: 0` and a reset time. */
  primaryRateLimit: (resetInSeconds = 1): FailRule => ({
    status: 403,
    headers: {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds)
    },
    body: { message: 'API rate limit exceeded for installation ID 1.' }
  }),
  badGateway: (): FailRule => ({
    status: 502,
    body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>'
  })
}

function defaultBody(status: number): unknown {
  if (status === 502 || status === 504) return faults.badGateway().body
  if (status === 429) return faults.tooManyRequests().body
  const messages: Record<number, string> = { 500: 'Server Error', 503: 'Service Unavailable' }
  return { message: messages[status] ?? `Injected failure ${status}` }
}

function renderFault(rule: FailRule): FaultResponse {
  const body = rule.body ?? defaultBody(rule.status)
  const isText = typeof body === 'string'
  const contentType = !isText
    ? 'application/json; charset=utf-8'
    : body.trimStart().startsWith('<')
      ? 'text/html; charset=utf-8'
      : 'text/plain; charset=utf-8'
  return {
    status: rule.status,
    headers: { ...rule.headers },
    body: isText ? body : JSON.stringify(body),
    contentType
  }
}

function matches(filter: RequestFilter, scope: string | undefined, method: string, path: string) {
  if (filter.method && filter.method.toUpperCase() !== method) return false
  if (scope && path !== scope && !path.startsWith(`${scope}/`)) return false
  if (filter.path === undefined) return true
  return typeof filter.path === 'string' ? path.startsWith(filter.path) : filter.path.test(path)
}

function take<T extends RequestFilter>(queue: Array<Pending<T>>, method: string, path: string) {
  const index = queue.findIndex(p => matches(p.rule, p.scope, method, path))
  if (index < 0) return undefined
  const pending = queue[index]
  pending.remaining--
  if (pending.remaining <= 0) queue.splice(index, 1)
  return pending.rule
}

export class FaultInjector {
  private readonly failures: Array<Pending<FailRule>> = []
  private readonly delays: Array<Pending<DelayRule>> = []

  /** `scope` limits a rule to one repository's paths (`/repos/o/r`). */
  failNext(rule: FailRule, scope?: string): void {
    this.failures.push({ rule, remaining: rule.times ?? 1, scope })
  }

  delayNext(rule: DelayRule, scope?: string): void {
    this.delays.push({ rule, remaining: rule.times ?? 1, scope })
  }

  takeFailure(method: string, path: string): FaultResponse | undefined {
    const rule = take(this.failures, method, path)
    return rule ? renderFault(rule) : undefined
  }

  takeDelay(method: string, path: string): number {
    return take(this.delays, method, path)?.ms ?? 0
  }

  /** Rules not consumed yet, so a test can assert its faults were actually hit. */
  get pendingCount(): number {
    return this.failures.length + this.delays.length
  }
}
