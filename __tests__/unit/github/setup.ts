// Shared by the github/ and baseline/ tests: a fake GitHub with one repository, a client
// pointed at it with tiny delays, and a log that remembers what it was told.

import { createClient, type ClientOptions, type Octokit } from '../../../src/github-api.js'
import {
  startFakeGitHub,
  type FakeGitHub,
  type RecordedRequest
} from '../../support/fake-github.js'
import type { Log } from '../../../src/model.js'

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

export interface MemoryLog extends Log {
  infos: string[]
  warnings: string[]
  debugs: string[]
}

export function memoryLog(): MemoryLog {
  const infos: string[] = []
  const warnings: string[] = []
  const debugs: string[] = []
  return {
    infos,
    warnings,
    debugs,
    info: m => void infos.push(m),
    warning: m => void warnings.push(m),
    debug: m => void debugs.push(m)
  }
}

/** A deterministic 40-hex commit sha for test data that needs no real commit. */
export function fakeSha(n: number): string {
  return n.toString(16).padStart(8, '0').repeat(5)
}

/** Resolves once a matching request is being held by the fake (status 0 = in flight). */
export async function inFlight(
  gh: FakeGitHub,
  match: (r: RecordedRequest) => boolean
): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (gh.requests.some(r => r.status === 0 && match(r))) return
    await new Promise(resolve => setTimeout(resolve, 5))
  }
  throw new Error('the expected request never arrived')
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a rejection')
}
