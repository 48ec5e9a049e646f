// The fake GitHub every GitHub-facing test file starts the same way: one repository, a fresh
// server per test, a client with tiny delays, and — after each test — no request the real API
// would have refused.

import { afterEach, beforeEach } from '@jest/globals'
import { createClient, type ClientOptions, type Octokit } from '../../src/github-api.js'
import { startFakeGitHub, type FakeGitHub, type RepoModel } from './fake-github.js'

export const OWNER = 'acme'
export const REPO = 'app'

export function startGitHub(): Promise<FakeGitHub> {
  return startFakeGitHub({
    repos: [{ owner: OWNER, repo: REPO }],
    now: new Date('2025-03-01T00:00:00Z')
  })
}

/** Retries and rate-limit waits in milliseconds instead of seconds; no write spacing. */
export function fastClient(gh: FakeGitHub, token = gh.token, extra: ClientOptions = {}): Octokit {
  return createClient(token, gh.url, {
    retryDelayMs: 1,
    rateLimitDelayMs: 1,
    spaceWrites: false,
    timeoutMs: 30_000, // a loaded 2-core machine validates big pages slowly; timeouts are tested apart
    ...extra
  })
}

export interface FakeGitHubWorld {
  readonly gh: FakeGitHub
  /** acme/app */
  readonly repo: RepoModel
  /** A fast client with the write token. */
  readonly octokit: Octokit
}

/**
 * Registers the hooks: a fresh fake per test, checked and closed after it. The fields are
 * read inside tests (they change per test).
 */
export function useFakeGitHub(): FakeGitHubWorld {
  let current: { gh: FakeGitHub; repo: RepoModel; octokit: Octokit } | undefined
  beforeEach(async () => {
    const gh = await startGitHub()
    current = { gh, repo: gh.repo(OWNER, REPO), octokit: fastClient(gh) }
  })
  afterEach(async () => {
    const gh = current?.gh
    current = undefined
    if (!gh) return
    try {
      gh.assertNoValidationErrors()
    } finally {
      await gh.close()
    }
  })
  const get = () => {
    if (!current) throw new Error('useFakeGitHub(): read its fields inside a test')
    return current
  }
  return {
    get gh() {
      return get().gh
    },
    get repo() {
      return get().repo
    },
    get octokit() {
      return get().octokit
    }
  }
}
