// Shared by the github/ and baseline/ tests: the fake GitHub's setup (support/
// use-fake-github.ts), a log that remembers what it was told, and waiting helpers.

import type { FakeGitHub, RecordedRequest } from '../../support/fake-github.js'
import type { Log } from '../../../src/model.js'

export { fastClient, OWNER, REPO, startGitHub } from '../../support/use-fake-github.js'

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
