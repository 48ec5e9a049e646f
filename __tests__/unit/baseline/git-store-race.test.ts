// Twenty recorders started at once against the fake GitHub, which answers a ref update that
// is not a fast-forward exactly like GitHub (422 "Update is not a fast forward"). Every one
// of them must end with its baseline stored and in the index: none lost.

import { expect, it } from '@jest/globals'
import { GitBaselineStore, type GitStoreOptions } from '../../../src/baseline/git-store.js'
import { toBaseline, type Baseline } from '../../../src/baseline/schema.js'
import { parseIndex } from '../../../src/baseline/store.js'
import { makeReport } from '../../support/reports.js'
import { fakeSha, fastClient, OWNER, REPO } from '../github/setup.js'
import { useFakeGitHub } from '../../support/use-fake-github.js'

const BRANCH = 'image-size-guard-data'
const WRITERS = 20

const hub = useFakeGitHub()

function baseline(n: number, round: number): Baseline {
  return toBaseline(makeReport([{ createdBy: 'RUN make', bytes: 1000 * n }]), {
    name: `service-${n}`,
    platform: 'linux/amd64',
    sha: fakeSha(round * 100 + n),
    branch: 'main',
    recordedAt: new Date(Date.UTC(2025, 2, 1, 0, round, n))
  })
}

/** Starts WRITERS recorders at once (each its own client, like separate jobs); counts the stored. */
async function race(round: number, opts: Partial<GitStoreOptions>) {
  const baselines = Array.from({ length: WRITERS }, (_, i) => baseline(i + 1, round))
  const outcomes = await Promise.allSettled(
    baselines.map(b =>
      new GitBaselineStore({
        octokit: fastClient(hub.gh),
        owner: OWNER,
        repo: REPO,
        branch: BRANCH,
        // Milliseconds, not seconds: the fake answers in about a millisecond, GitHub in ~100.
        backoffMs: 5,
        maxBackoffMs: 80,
        ...opts
      }).put(b)
    )
  )
  const text = hub.repo.readFile(BRANCH, 'index.json') ?? ''
  const index = parseIndex(text, 'index.json')
  const stored = baselines.filter(
    b =>
      hub.repo.readFile(BRANCH, `baselines/${b.name}/linux-amd64/${b.sha}.json`) !== undefined &&
      index.images[`${b.name}/linux-amd64`]?.entries.some(e => e.sha === b.sha)
  ).length
  const lost = hub.gh
    .requestsTo('PATCH', `/repos/${OWNER}/${REPO}/git/refs`)
    .filter(r => r.status === 422)
  return {
    stored,
    failed: outcomes.filter(o => o.status === 'rejected').length,
    nonFastForward: lost.length
  }
}

it(`${WRITERS} recorders started at once all store their baseline`, async () => {
  // The branch exists first, as it does after the first push of a repository.
  await new GitBaselineStore({ octokit: fastClient(hub.gh), owner: OWNER, repo: REPO }).put(
    baseline(0, 0)
  )
  hub.gh.clearRecords()
  const before = await race(1, { maxAttempts: 5, maxBackoffMs: Infinity })
  hub.gh.clearRecords()
  const now = await race(2, {})
  process.stdout.write(
    `git-store race: ${WRITERS} writers at once — 5 attempts, uncapped backoff (v1): ${before.stored}/${WRITERS} stored ` +
      `(${before.nonFastForward} non-fast-forward answers); defaults: ${now.stored}/${WRITERS} stored ` +
      `(${now.nonFastForward} non-fast-forward answers, all retried)\n`
  )
  expect(now.failed).toBe(0)
  expect(now.stored).toBe(WRITERS)
  // The race really happened: writers lost and rebuilt on the new tip.
  expect(now.nonFastForward).toBeGreaterThan(0)
}, 120_000)
