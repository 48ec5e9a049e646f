// Retention: the data branch keeps the last N baselines per image and platform plus the ones
// open pull requests still compare with; older ones leave in the commit that writes. And the
// index stays small enough to read on every run.

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { GitBaselineStore } from '../../../src/baseline/git-store.js'
import {
  baselinePath,
  serializeBaseline,
  toBaseline,
  type Baseline
} from '../../../src/baseline/schema.js'
import {
  emptyIndex,
  parseIndex,
  pruneIndex,
  serializeIndex,
  upsertEntry,
  type IndexFile
} from '../../../src/baseline/store.js'
import type { FakeGitHub, RepoModel } from '../../support/fake-github.js'
import { makeReport } from '../../support/reports.js'
import { fakeSha, fastClient, OWNER, REPO, startGitHub } from '../github/setup.js'

const BRANCH = 'image-size-guard-data'
const IMAGES = ['api', 'web', 'worker']
const report = makeReport([{ createdBy: 'RUN make', bytes: 123_456_789 }])

/** The baseline of `name` recorded at the n-th commit of main (n = 1 is the oldest). */
function baseline(name: string, n: number): Baseline {
  return toBaseline(report, {
    name,
    platform: 'linux/amd64',
    sha: fakeSha(n),
    branch: 'main',
    recordedAt: new Date(Date.UTC(2025, 0, 1) + n * 3_600_000)
  })
}

function indexOf(baselines: Baseline[]): IndexFile {
  let index = emptyIndex()
  for (const b of baselines) index = upsertEntry(index, b, baselinePath(b.name, b.platform, b.sha))
  return index
}

describe('pruneIndex', () => {
  it('keeps the newest per image plus the protected, and names the rest', () => {
    const index = indexOf([1, 2, 3, 4, 5].flatMap(n => [baseline('api', n), baseline('web', n)]))
    const { index: kept, removed } = pruneIndex(index, 2, new Set([fakeSha(1)]))
    expect(kept.images['api/linux-amd64'].entries.map(e => e.sha)).toEqual([
      fakeSha(5),
      fakeSha(4),
      fakeSha(1)
    ])
    expect(removed.sort()).toEqual(
      ['api', 'web']
        .flatMap(i => [2, 3].map(n => baselinePath(i, 'linux/amd64', fakeSha(n))))
        .sort()
    )
  })

  it('keeps everything with keep 0', () => {
    const index = indexOf([1, 2, 3].map(n => baseline('api', n)))
    expect(pruneIndex(index, 0, new Set())).toEqual({ index, removed: [] })
  })
})

describe('index size', () => {
  it('50 images × 500 commits: about 6 MB, under 6.5 MB', () => {
    const names = Array.from({ length: 50 }, (_, i) => `service-${String(i).padStart(2, '0')}`)
    // Built as the store leaves it (upsertEntry per record is quadratic for a test this size).
    const commits = Array.from({ length: 500 }, (_, i) => 500 - i)
    const index = emptyIndex()
    for (const name of names) {
      const entries = commits.map(n => {
        const b = baseline(name, n)
        return upsertEntry(emptyIndex(), b, baselinePath(b.name, b.platform, b.sha)).images[
          `${name}/linux-amd64`
        ].entries[0]
      })
      index.images[`${name}/linux-amd64`] = { name, platform: 'linux/amd64', entries }
    }
    const text = serializeIndex(index)
    const bytes = Buffer.byteLength(text)
    process.stdout.write(`index.json for 50 images × 500 commits: ${bytes} bytes\n`)
    expect(bytes).toBeLessThan(6_500_000)
    expect(parseIndex(text, 'index.json')).toEqual(index)
  })
})

describe('retention in the store', () => {
  let gh: FakeGitHub
  let repo: RepoModel

  beforeEach(async () => {
    gh = await startGitHub()
    repo = gh.repo(OWNER, REPO)
  })

  afterEach(async () => {
    gh.assertNoValidationErrors()
    await gh.close()
  })

  it('after 600 recorded commits holds 500 per image plus the referenced ones, in one commit', async () => {
    // 599 commits of three images already recorded (simulated: written straight into the
    // fake's git store), then the 600th recorded by the store with retention.
    const old = IMAGES.flatMap(name => Array.from({ length: 599 }, (_, i) => baseline(name, i + 1)))
    const files: Record<string, string> = { 'index.json': serializeIndex(indexOf(old)) }
    for (const b of old) files[baselinePath(b.name, b.platform, b.sha)] = serializeBaseline(b)
    const seeded = repo.addCommit({ branch: BRANCH, parents: [], files, message: 'seed' })
    // Two open pull requests are based on old commits (#20 and #42 of main).
    const protect = new Set([fakeSha(20), fakeSha(42)])
    // An index this size (353 kB) would go inline; the lower bound sends it as a blob.
    const store = new GitBaselineStore({
      octokit: fastClient(gh),
      owner: OWNER,
      repo: REPO,
      inlineIndexMax: 100_000
    })
    const newest = IMAGES.map(name => baseline(name, 600))
    const { removed } = await store.putAll(newest, { keep: 500, protect })

    expect(removed).toHaveLength(3 * 98) // 600 − 500 − the 2 protected, per image
    const tip = repo.getBranch(BRANCH) ?? ''
    expect(repo.git.commit(tip)?.parents).toEqual([seeded])
    const stored = repo.listFiles(BRANCH).filter(p => p.startsWith('baselines/'))
    const index = parseIndex(repo.readFile(BRANCH, 'index.json') ?? '', 'index.json')
    for (const name of IMAGES) {
      const mine = stored.filter(p => p.startsWith(`baselines/${name}/`))
      const want = [...Array.from({ length: 500 }, (_, i) => 600 - i), 42, 20].map(n =>
        baselinePath(name, 'linux/amd64', fakeSha(n))
      )
      expect(mine.sort()).toEqual([...want].sort())
      expect(index.images[`${name}/linux-amd64`].entries.map(e => e.path)).toEqual(want)
    }
    const tree = gh.requestsTo('POST', `/repos/${OWNER}/${REPO}/git/trees`)
    expect(tree).toHaveLength(1)
    const indexItem = (tree[0].body as { tree: Array<Record<string, unknown>> }).tree.find(
      t => t.path === 'index.json'
    )
    expect(indexItem).toMatchObject({ sha: expect.stringMatching(/^[0-9a-f]{40}$/) })
    expect(indexItem).not.toHaveProperty('content')
    const bytes = Buffer.byteLength(repo.readFile(BRANCH, 'index.json') ?? '')
    process.stdout.write(`index.json after 600 commits of 3 images, keep 500: ${bytes} bytes\n`)
    expect(bytes).toBeLessThan(400_000)
  }, 120_000)
})
