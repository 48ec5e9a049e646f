// The one way this project talks to the GitHub API: @actions/github's octokit plus bounded
// retries (5xx), rate-limit handling (primary and secondary), a per-request timeout and our
// user agent. Every failure is turned into one readable line by explainApiError.

import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'
import { silentLog, type Log } from './model.js'
import { VERSION } from './version.js'

export type Octokit = ReturnType<typeof getOctokit>

export interface ClientOptions {
  /** A request that has not answered after this long fails (default 30 s). */
  timeoutMs?: number
  /** Retries of 5xx answers (default 3; waits 1, 4, 9 × retryDelayMs). */
  retries?: number
  /** Base of the quadratic 5xx backoff in ms (default 1000; tests pass 1). */
  retryDelayMs?: number
  /** Retries after a primary or secondary rate limit (default 2). */
  rateLimitRetries?: number
  /** Milliseconds waited per second of `retry-after` (default 1000; tests pass 1). */
  rateLimitDelayMs?: number
  /** Give up at once when GitHub asks to wait longer than this (default 120 s). */
  maxRateLimitWaitSeconds?: number
  /**
   * Space writes one second apart (three for notifying writes such as comments), as GitHub
   * asks to avoid secondary limits. Default true; tests turn it off to stay fast.
   */
  spaceWrites?: boolean
  log?: Log
}

const DEFAULTS = {
  timeoutMs: 30_000,
  retries: 3,
  retryDelayMs: 1000,
  rateLimitRetries: 2,
  rateLimitDelayMs: 1000,
  maxRateLimitWaitSeconds: 120
}

// Statuses a retry cannot fix. 429 is left to the throttling plugin (it honours retry-after);
// 409 is a git conflict or an empty repository.
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451]

/** An octokit for `apiUrl` (GITHUB_API_URL), hardened for CI use. */
export function createClient(token: string, apiUrl: string, opts: ClientOptions = {}): Octokit {
  const o = { ...DEFAULTS, ...opts }
  const log = opts.log ?? silentLog
  return getOctokit(
    token,
    {
      baseUrl: apiUrl.replace(/\/+$/, ''),
      userAgent: `image-size-guard/${VERSION}`,
      log: { debug: log.debug, info: log.debug, warn: log.warning, error: log.warning },
      retry: { retries: o.retries, retryAfterBaseValue: o.retryDelayMs, doNotRetry: DO_NOT_RETRY },
      throttle: throttleOptions(o, log, opts.spaceWrites ?? true)
    },
    // Registered first so it sits innermost: every retry gets a fresh timeout.
    timeoutPlugin(o.timeoutMs),
    retry,
    throttling
  )
}

function throttleOptions(o: typeof DEFAULTS, log: Log, spaceWrites: boolean): ThrottlingOptions {
  const handler =
    (kind: string) =>
    (
      retryAfter: number,
      options: { method: string; url: string },
      _octokit: unknown,
      retryCount: number
    ) => {
      const what = `${options.method} ${options.url}`
      if (retryCount < o.rateLimitRetries && retryAfter <= o.maxRateLimitWaitSeconds) {
        log.warning(`GitHub API ${kind} rate limit on ${what}: retrying in ${retryAfter} s`)
        return true
      }
      log.warning(
        `GitHub API ${kind} rate limit on ${what}: giving up (asked to wait ${retryAfter} s)`
      )
      return false
    }
  return {
    retryAfterBaseValue: o.rateLimitDelayMs,
    onRateLimit: handler('primary'),
    onSecondaryRateLimit: handler('secondary'),
    ...(spaceWrites ? {} : { write: IMMEDIATE, notifications: IMMEDIATE, search: IMMEDIATE })
  }
}

type Group = NonNullable<ThrottlingOptions['write']>

// The throttling plugin only calls `group.key(id).schedule(options, fn, ...args)` on these;
// running the job at once removes the spacing without pulling in Bottleneck ourselves.
const IMMEDIATE = {
  key: () => ({
    schedule: (_options: unknown, fn: (...args: unknown[]) => unknown, ...args: unknown[]) =>
      Promise.resolve().then(() => fn(...args))
  })
} as unknown as Group

/** A request that did not answer in time. Not retried: a hung API rarely recovers in seconds. */
export class ApiTimeoutError extends Error {
  override name = 'ApiTimeoutError'
}

function timeoutPlugin(ms: number) {
  // The caller's own signal, if any, remembered before the first attempt replaces it.
  const callerSignal = new WeakMap<object, AbortSignal | undefined>()
  return (octokit: Pick<Octokit, 'hook'>) => {
    octokit.hook.wrap('request', async (request, options) => {
      const controller = new AbortController()
      const timer = setTimeout(() => controller.abort(), ms)
      if (!callerSignal.has(options)) callerSignal.set(options, options.request?.signal)
      const own = callerSignal.get(options)
      const signal = own ? AbortSignal.any([own, controller.signal]) : controller.signal
      // Hooks are bound to one shared options object (arguments passed down are ignored),
      // so the signal is set on it: each retry passes through here and gets a fresh one.
      options.request = { ...options.request, signal }
      try {
        return await request(options)
      } catch (e) {
        if (!controller.signal.aborted) throw e
        const params = options as unknown as Record<string, unknown>
        const path = String(options.url)
          .replace(/^https?:\/\/[^/]+/, '')
          .replace(/\{(\w+)\}/g, (m, key: string) =>
            ['string', 'number'].includes(typeof params[key]) ? String(params[key]) : m
          )
        throw new ApiTimeoutError(
          `GitHub API request ${options.method} ${path} did not answer within ${ms / 1000} s`
        )
      } finally {
        clearTimeout(timer)
      }
    })
  }
}

/** An API failure explained for the log; `status` kept for callers that branch on it. */
export class GitHubApiError extends Error {
  override name = 'GitHubApiError'
  constructor(
    message: string,
    readonly status?: number,
    readonly apiMessage?: string
  ) {
    super(message)
  }
}

/** HTTP status of an octokit error, when it has one. */
export function httpStatus(e: unknown): number | undefined {
  const status = (e as { status?: unknown } | null)?.status
  return typeof status === 'number' ? status : undefined
}

/** GitHub's own message without the ` - https://docs.github.com/...` suffix octokit adds. */
export function apiMessage(e: unknown): string {
  const data = (e as { response?: { data?: unknown } } | null)?.response?.data as
    { message?: unknown; errors?: unknown } | undefined
  if (typeof data?.message === 'string') {
    const details = Array.isArray(data.errors)
      ? data.errors
          .map(d => (d as { message?: unknown } | null)?.message)
          .filter((m): m is string => typeof m === 'string')
      : []
    return details.length > 0 ? `${data.message}: ${details.join('; ')}` : data.message
  }
  const raw = e instanceof Error ? e.message : String(e)
  return raw.replace(/\s+-\s+https:\/\/docs\.github\.com\S*\s*$/, '').trim()
}

const FORK_NOTE = 'fork PRs get a read-only token: see the two-workflow setup in the README'

/**
 * One line for the person reading the CI log: what failed, why, and the next step.
 * `what` is the action in -ing form ("posting the PR comment"); `permission` the workflow
 * permission it needs ("pull-requests: write").
 */
export function explainApiError(e: unknown, what: string, permission?: string): string {
  if (e instanceof ApiTimeoutError) {
    return `${what} failed: ${e.message}; GitHub may be degraded (https://www.githubstatus.com), re-run the job`
  }
  if (e instanceof GitHubApiError) return e.message
  const status = httpStatus(e)
  const message = apiMessage(e)
  if (isRateLimit(status, message)) {
    return `${what} failed: the GitHub API rate limit was hit and did not clear after retries (${message}); re-run the job later`
  }
  if (status === 403 && /not accessible by integration/i.test(message)) {
    return permission
      ? `${what} needs \`${permission}\` — add it under \`permissions:\` in the workflow (${FORK_NOTE})`
      : `${what} was refused: the token lacks a permission (${message}); check \`permissions:\` in the workflow (${FORK_NOTE})`
  }
  if (status === 401) {
    return `${what} failed: GitHub rejected the token (${message}); check the \`github-token\` input`
  }
  if (status === 404) {
    return `${what} failed: not found (404) — it does not exist or the token cannot see it${permission ? ` (it needs \`${permission}\`)` : ''}`
  }
  if (status !== undefined && status >= 500) {
    return `${what} failed: GitHub answered ${status} after retries; GitHub may be degraded (https://www.githubstatus.com), re-run the job`
  }
  if (status !== undefined) return `${what} failed: GitHub answered ${status}: ${message}`
  return `${what} failed: ${message}`
}

function isRateLimit(status: number | undefined, message: string): boolean {
  return (status === 403 || status === 429) && /rate limit/i.test(message)
}

/** The explained error, ready to throw (status kept). */
export function apiFailure(e: unknown, what: string, permission?: string): GitHubApiError {
  if (e instanceof GitHubApiError) return e
  return new GitHubApiError(explainApiError(e, what, permission), httpStatus(e), apiMessage(e))
}
