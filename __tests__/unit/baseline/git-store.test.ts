import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  DEFAULT_DATA_BRANCH,
  GitBaselineStore,
  type GitStoreOptions
} from '../../../src/baseline/git-store.js'
import { serializeBaseline, toBaseline, type Baseline } from '../../../src/baseline/schema.js'
import { parseIndex } from '../../../src/baseline/store.js'
import type { FakeGitHub, RepoModel } from '../../support/fake-github.js'
import { makeReport } from '../../support/reports.js'
import {
  fakeSha,
  fastClient,
  inFlight,
  memoryLog,
  OWNER,
  REPO,
  rejection,
  startGitHub,
  type MemoryLog
} from '../github/setup.js'

let gh: FakeGitHub
let repo: RepoModel
let log: MemoryLog
let sleeps: number[]

const BRANCH = DEFAULT_DATA_BRANCH

beforeEach(async () => {
  gh = await startGitHub()
  repo = gh.repo(OWNER, REPO)
  log = memoryLog()
  sleeps = []
})

afterEach(async () => {
  gh.assertNoValidationErrors()
  await gh.close()
})

function store(opts: Partial<GitStoreOptions> = {}): GitBaselineStore {
  return new GitBaselineStore({
    octokit: fastClient(gh),
    owner: OWNER,
    repo: REPO,
    log,
    sleep: async ms => void sleeps.push(ms),
    random: () => 0.5,
    ...opts
  })
}

let clock = Date.parse('2025-02-01T00:00:00Z')

function baseline(
  n: number,
  bytes = 1000 * n,
  name = 'shop-api',
  platform = 'linux/amd64'
): Baseline {
  const report = makeReport([{ createdBy: 'RUN make', bytes }])
  clock += 60_000
  return toBaseline(report, {
    name,
    platform,
    sha: fakeSha(n),
    branch: 'main',
    recordedAt: new Date(clock)
  })
}

const pathOf = (b: Baseline) => `baselines/shop-api/linux-amd64/${b.sha}.json`

function index() {
  const text = repo.readFile(BRANCH, 'index.json')
  if (text === undefined) throw new Error('no index.json')
  return parseIndex(text, 'index.json')
}

function entries(key = 'shop-api/linux-amd64') {
  return index().images[key]?.entries.map(e => e.sha) ?? []
}

describe('put', () => {
  it('creates the data branch with README, index and the baseline on the first record', async () => {
    const b = baseline(1)
    await store().put(b)
    expect(repo.listFiles(BRANCH).sort()).toEqual(['README.md', 'index.json', pathOf(b)].sort())
    expect(repo.readFile(BRANCH, 'README.md')).toMatch(/^# image-size-guard data/)
    expect(JSON.parse(repo.readFile(BRANCH, pathOf(b)) ?? '')).toEqual(b)
    expect(index().images['shop-api/linux-amd64']).toEqual({
      name: 'shop-api',
      platform: 'linux/amd64',
      entries: [{ sha: b.sha, recordedAt: b.recordedAt, totalBytes: 1000, path: pathOf(b) }]
    })
    // An orphan branch: nothing of main's history.
    const tip = repo.getBranch(BRANCH) ?? ''
    const mainTip = repo.getBranch('main') ?? ''
    expect(repo.git.isAncestor(mainTip, tip)).toBe(false)
    expect(log.infos.join('\n')).toMatch(/Created the data branch `image-size-guard-data`/)
  })

  it('only ever fast-forwards, through the Git Data API', async () => {
    await store().put(baseline(1))
    await store().put(baseline(2))
    const patches = gh.requestsTo('PATCH', `/repos/${OWNER}/${REPO}/git/refs`)
    expect(patches.length).toBe(2)
    for (const p of patches) expect(p.body).toMatchObject({ force: false })
    expect(gh.requestsTo('PUT', `/repos/${OWNER}/${REPO}/contents`)).toHaveLength(0)
    expect(gh.requestsTo('DELETE')).toHaveLength(0)
  })

  it('appends a second record, newest first', async () => {
    const a = baseline(1)
    const b = baseline(2)
    await store().put(a)
    await store().put(b)
    expect(entries()).toEqual([b.sha, a.sha])
    const history = await store().history('shop-api', 'linux/amd64', 10)
    expect(history.map(e => e.sha)).toEqual([b.sha, a.sha])
    expect(history[0]).toEqual({
      sha: b.sha,
      recordedAt: b.recordedAt,
      totalBytes: 2000,
      path: pathOf(b)
    })
    expect(await store().history('shop-api', 'linux/amd64', 1)).toHaveLength(1)
  })

  it('replaces the baseline of the same commit (a re-run)', async () => {
    await store().put(baseline(1, 1000))
    await store().put(baseline(1, 5000))
    expect(entries()).toEqual([fakeSha(1)])
    expect(
      (await store().get('shop-api', 'linux/amd64', fakeSha(1)))?.report.image.totalBytes
    ).toBe(5000)
  })

  it('keeps both writes of two concurrent recorders', async () => {
    await store().put(baseline(1))
    const a = baseline(2)
    const b = baseline(3, 3000, 'worker')
    await Promise.all([store().put(a), store().put(b)])
    expect(repo.readFile(BRANCH, pathOf(a))).toBeDefined()
    expect(repo.readFile(BRANCH, `baselines/worker/linux-amd64/${b.sha}.json`)).toBeDefined()
    expect(entries()).toEqual([a.sha, fakeSha(1)])
    expect(entries('worker/linux-amd64')).toEqual([b.sha])
  })

  it('retries with backoff when another writer moves the branch in between', async () => {
    await store().put(baseline(1))
    // octokit sends the ref percent-encoded (`heads%2F…`), which GitHub accepts.
    const refs = `/repos/${OWNER}/${REPO}/git/refs/heads%2F${BRANCH}`
    gh.delayNext({ method: 'PATCH', path: refs, ms: 300 })
    const mine = baseline(2)
    const writing = store().put(mine)
    await inFlight(gh, r => r.method === 'PATCH' && r.path === refs)
    // Another recorder wins the race while our ref update is on its way.
    const theirs = baseline(9, 9000, 'worker')
    repo.addCommit({
      branch: BRANCH,
      files: { [`baselines/worker/linux-amd64/${theirs.sha}.json`]: serializeBaseline(theirs) }
    })
    await writing
    expect(sleeps).toEqual([500]) // 500 ms × 2^0 × (0.5 + 0.5)
    const nonFastForward = gh.requestsTo('PATCH', refs).filter(r => r.status === 422)
    expect(nonFastForward).toHaveLength(1)
    expect(repo.readFile(BRANCH, pathOf(mine))).toBeDefined()
    expect(repo.readFile(BRANCH, `baselines/worker/linux-amd64/${theirs.sha}.json`)).toBeDefined()
    // Their file was not in the index: the retry healed it in.
    expect(entries('worker/linux-amd64')).toEqual([theirs.sha])
  })

  it('a recorder killed before its ref update leaves a consistent history for the next run', async () => {
    const first = baseline(1)
    await store().put(first)
    const before = repo.getBranch(BRANCH)
    // The job dies after writing its blob, tree and commit objects, before moving the branch:
    // simulated by the connection dropping on the ref update (not retried: a 4xx).
    gh.failNext({
      method: 'PATCH',
      path: `/repos/${OWNER}/${REPO}/git/refs`,
      status: 404,
      body: { message: 'Not Found' }
    })
    await rejection(store({ maxAttempts: 1 }).put(baseline(2)))
    expect(repo.getBranch(BRANCH)).toBe(before)
    // What a reader sees is the history before the killed write: whole, not half of it.
    expect(await store().get('shop-api', 'linux/amd64', first.sha)).toEqual(first)
    expect(await store().get('shop-api', 'linux/amd64', fakeSha(2))).toBeUndefined()
    expect(entries()).toEqual([first.sha])
    // The next recorder writes on top as if nothing happened.
    const third = baseline(3)
    await store().put(third)
    expect(entries()).toEqual([third.sha, first.sha])
  })

  it('gives up after the attempts with a clear message and leaves the branch as it was', async () => {
    await store().put(baseline(1))
    const before = repo.getBranch(BRANCH)
    gh.failNext({
      method: 'PATCH',
      path: `/repos/${OWNER}/${REPO}/git/refs`,
      status: 422,
      times: 3,
      body: { message: 'Update is not a fast forward' }
    })
    const e = await rejection(store({ maxAttempts: 3 }).put(baseline(2)))
    expect(e.message).toBe(
      'recording the baseline on the data branch `image-size-guard-data` failed: other jobs kept updating it at the same time (3 attempts); re-run the job'
    )
    expect(sleeps).toEqual([500, 1000])
    expect(repo.getBranch(BRANCH)).toBe(before)
  })

  it('heals a stale index: drops entries without a file, adds files without an entry', async () => {
    await store().put(baseline(1))
    const forgotten = baseline(2)
    const ghost = `baselines/shop-api/linux-amd64/${fakeSha(77)}.json`
    const stale = index()
    stale.images['shop-api/linux-amd64'].entries.push({
      sha: fakeSha(77),
      recordedAt: '2020-01-01T00:00:00Z',
      totalBytes: 1,
      path: ghost
    })
    repo.addCommit({
      branch: BRANCH,
      files: {
        [pathOf(forgotten)]: serializeBaseline(forgotten),
        'index.json': JSON.stringify(stale)
      }
    })
    const next = baseline(3)
    await store().put(next)
    expect(entries()).toEqual([next.sha, forgotten.sha, fakeSha(1)])
    expect(log.infos.join('\n')).toMatch(/Rebuilt index\.json .*\(1 added, 1 dropped\)/)
  })

  it('rebuilds a missing index, and history lists the files meanwhile', async () => {
    await store().put(baseline(1))
    await store().put(baseline(2))
    repo.addCommit({ branch: BRANCH, files: { 'index.json': null } })
    const listed = await store().history('shop-api', 'linux/amd64', 10)
    expect(listed.map(e => e.sha)).toEqual([fakeSha(2), fakeSha(1)])
    await store().put(baseline(3))
    expect(entries()).toEqual([fakeSha(3), fakeSha(2), fakeSha(1)])
  })

  it('rebuilds a corrupt index with a warning', async () => {
    await store().put(baseline(1))
    repo.addCommit({ branch: BRANCH, files: { 'index.json': '{"images": [' } })
    expect((await store().history('shop-api', 'linux/amd64', 5)).map(e => e.sha)).toEqual([
      fakeSha(1)
    ])
    expect(log.warnings[0]).toMatch(
      /^index\.json on the data branch `image-size-guard-data` is not valid JSON: .*; listing the stored baselines instead$/
    )
    await store().put(baseline(2))
    expect(entries()).toEqual([fakeSha(2), fakeSha(1)])
  })

  it('refuses to overwrite a baseline recorded by a newer version', async () => {
    const b = baseline(1)
    const newer = serializeBaseline(b).replace('"schemaVersion": 2', '"schemaVersion": 3')
    repo.addCommit({ branch: BRANCH, files: { [pathOf(b)]: newer } })
    const e = await rejection(store().put(baseline(1, 42)))
    expect(e.message).toBe(
      `${pathOf(b)} on the data branch \`image-size-guard-data\` was recorded by a newer image-size-guard (schema 3, this one reads 2); update the action. Not overwriting it.`
    )
    expect(repo.readFile(BRANCH, pathOf(b))).toBe(newer)
  })

  it('refuses to rewrite an index written by a newer version', async () => {
    repo.addCommit({
      branch: BRANCH,
      files: {
        'index.json': '{"schemaVersion": 2, "kind": "image-size-guard-index", "images": {}}'
      }
    })
    const e = await rejection(store().put(baseline(1)))
    expect(e.message).toMatch(
      /index\.json .* newer image-size-guard \(schema 2.*Not overwriting it\./
    )
  })

  it('names the input when the data branch is protected', async () => {
    await store().put(baseline(1))
    repo.protectBranch(BRANCH)
    const e = await rejection(store().put(baseline(2)))
    expect(e.message).toMatch(
      /^recording the baseline failed: the data branch `image-size-guard-data` is protected \(Protected branch update failed for refs\/heads\/image-size-guard-data\.\)/
    )
    expect(e.message).toMatch(/set the `data-branch` input to an unprotected branch$/)
    expect(repo.readFile(BRANCH, pathOf(baseline(2)))).toBeUndefined()
  })

  it('refuses a baseline a reader would reject, before any request', async () => {
    const bad = baseline(1)
    bad.report.image.totalBytes = 1.5
    const e = await rejection(store().put(bad))
    expect(e.message).toBe(
      'the baseline of shop-api (linux/amd64) being recorded is not a valid image-size-guard baseline: /report/image/totalBytes must be integer'
    )
    expect(gh.requests).toHaveLength(0)
  })

  it('names `contents: write` for a read-only token', async () => {
    gh.addToken('ro', { login: 'github-actions[bot]', permissions: { contents: 'read' } })
    const e = await rejection(store({ octokit: fastClient(gh, 'ro') }).put(baseline(1)))
    expect(e.message).toBe(
      'recording the baseline on the data branch `image-size-guard-data` needs `contents: write` — add it under `permissions:` in the workflow (fork PRs get a read-only token: see the two-workflow setup in the README)'
    )
    expect(repo.getBranch(BRANCH)).toBeUndefined()
  })

  it('joins a branch another recorder created at the same moment', async () => {
    await store().put(baseline(1))
    // Our read says "no branch" while it exists: the create answers "Reference already exists".
    gh.failNext({
      method: 'GET',
      path: `/repos/${OWNER}/${REPO}/git/ref/heads%2F${BRANCH}`,
      status: 404
    })
    await store().put(baseline(2))
    expect(entries()).toEqual([fakeSha(2), fakeSha(1)])
    const creates = gh.requestsTo('POST', `/repos/${OWNER}/${REPO}/git/refs`)
    expect(creates.map(r => r.status)).toEqual([201, 422])
  })

  it('uses another branch when asked, and refuses an unusable name', async () => {
    await store({ branch: 'size/baselines' }).put(baseline(1))
    expect(repo.listFiles('size/baselines')).toContain(pathOf(baseline(1)))
    expect(() => store({ branch: '../main' })).toThrow(
      /^input `data-branch`: "..\/main" is not a usable branch name/
    )
    expect(() => store({ branch: 'a..b' })).toThrow(/data-branch/)
  })
})

describe('get', () => {
  it('reads the exact commit straight from the branch, even when the index is stale', async () => {
    const b = baseline(1)
    repo.addCommit({ branch: BRANCH, files: { [pathOf(b)]: serializeBaseline(b) } })
    expect(await store().get('shop-api', 'linux/amd64', b.sha)).toEqual(b)
    expect(await store().get('shop-api', 'linux/amd64', fakeSha(2))).toBeUndefined()
    expect(await store().get('other', 'linux/amd64', b.sha)).toBeUndefined()
  })

  it('finds nothing (and does not fail) before the branch exists', async () => {
    expect(await store().get('shop-api', 'linux/amd64', fakeSha(1))).toBeUndefined()
    expect(await store().history('shop-api', 'linux/amd64', 10)).toEqual([])
  })

  it('warns about a corrupt baseline and treats that commit as having none', async () => {
    const path = `baselines/shop-api/linux-amd64/${fakeSha(1)}.json`
    repo.addCommit({ branch: BRANCH, files: { [path]: '{"schemaVersion": 1, "kind": ' } })
    expect(await store().get('shop-api', 'linux/amd64', fakeSha(1))).toBeUndefined()
    expect(log.warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${path} on the data branch \`image-size-guard-data\` is not valid JSON: .*; treating that commit as having no baseline$`
        )
      )
    ])
  })

  it('warns about a baseline from a newer version and does not use it', async () => {
    const b = baseline(1)
    repo.addCommit({
      branch: BRANCH,
      files: {
        [pathOf(b)]: serializeBaseline(b).replace('"schemaVersion": 2', '"schemaVersion": 3')
      }
    })
    expect(await store().get('shop-api', 'linux/amd64', b.sha)).toBeUndefined()
    expect(log.warnings[0]).toMatch(
      /recorded by a newer image-size-guard \(schema 3.*update the action$/
    )
  })

  it('refuses to overwrite a corrupt baseline of the same commit, and leaves it as it was', async () => {
    const path = `baselines/shop-api/linux-amd64/${fakeSha(1)}.json`
    repo.addCommit({ branch: BRANCH, files: { [path]: 'garbage' } })
    const tip = repo.getBranch(BRANCH)
    const e = await rejection(store().put(baseline(1)))
    expect(e.message).toMatch(
      /not valid JSON.*Not overwriting it: delete that file on `image-size-guard-data` to record this commit again$/
    )
    expect(repo.getBranch(BRANCH)).toBe(tip)
    expect(repo.readFile(BRANCH, path)).toBe('garbage')
  })

  it('names `contents: read` when the token cannot read the branch', async () => {
    gh.addToken('none', { login: 'github-actions[bot]', permissions: { contents: 'none' } })
    const e = await rejection(store({ octokit: fastClient(gh, 'none') }).get('a', 'b', fakeSha(1)))
    expect(e.message).toMatch(/^reading baselines\/a\/b\/.* needs `contents: read`/)
  })
})
