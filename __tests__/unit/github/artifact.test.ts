import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strToU8, zipSync } from 'fflate'
import {
  ArtifactError,
  DEFAULT_ZIP_LIMITS,
  fetchMeasurePayload,
  fetchReportArtifact,
  MEASURE_ARTIFACT,
  MEASURE_FILE,
  parseMeasurePayload,
  unzipArtifact,
  verifyPullRequestHead,
  writeMeasureArtifact,
  type MeasureInput
} from '../../../src/github/artifact.js'
import type { Octokit } from '../../../src/github-api.js'
import type { FakeGitHub, RepoModel } from '../../support/fake-github.js'
import { makeReport } from '../../support/reports.js'
import { fastClient, OWNER, REPO, rejection, startGitHub } from './setup.js'

let gh: FakeGitHub
let repo: RepoModel
let octokit: Octokit
let dir: string

beforeEach(async () => {
  gh = await startGitHub()
  repo = gh.repo(OWNER, REPO)
  octokit = fastClient(gh)
  dir = await mkdtemp(join(tmpdir(), 'isg-artifact-'))
})

afterEach(async () => {
  gh.assertNoValidationErrors()
  await gh.close()
  await rm(dir, { recursive: true, force: true })
})

function input(prNumber = 7, headSha = 'c'.repeat(40)): MeasureInput {
  const report = makeReport([{ createdBy: 'RUN pip install', bytes: 5_000_000 }])
  return {
    prNumber,
    headSha,
    baseSha: 'b'.repeat(40),
    results: [{ name: 'shop-api', platform: 'linux/amd64', dockerfile: 'Dockerfile', report }]
  }
}

function zip(files: Record<string, string | Uint8Array>): Uint8Array {
  return zipSync(
    Object.fromEntries(
      Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? strToU8(v) : v])
    )
  )
}

const fetchIt = (runId: number, limits = DEFAULT_ZIP_LIMITS) =>
  fetchMeasurePayload(octokit, { owner: OWNER, repo: REPO, runId, limits })

describe('the two-phase round trip', () => {
  it('writes the payload, and reads it back from the run’s artifact', async () => {
    const path = await writeMeasureArtifact(dir, input())
    expect(path).toBe(join(dir, MEASURE_FILE))
    const text = await readFile(path, 'utf8')
    const runId = repo.addWorkflowRun({ headSha: 'c'.repeat(40) })
    repo.addArtifact(runId, 'something-else', zip({ 'x.txt': 'x' }))
    repo.addArtifact(runId, MEASURE_ARTIFACT, zip({ [MEASURE_FILE]: text }))
    const payload = await fetchIt(runId)
    expect(payload).toEqual(JSON.parse(text))
    expect(payload).toMatchObject({
      schemaVersion: 1,
      kind: 'image-size-guard-measure',
      prNumber: 7
    })
    expect(payload.results[0].report.image.totalBytes).toBe(5_000_000)
  })

  it('follows the redirect without sending the token to the storage host', async () => {
    const runId = repo.addWorkflowRun()
    repo.addArtifact(runId, MEASURE_ARTIFACT, zip({ [MEASURE_FILE]: JSON.stringify({ hello: 1 }) }))
    expect(await fetchReportArtifact(octokit, { owner: OWNER, repo: REPO, runId })).toEqual({
      hello: 1
    })
    const api = gh.requests.find(r => r.path.endsWith('/zip'))
    const blob = gh.requests.find(r => r.path.startsWith('/_artifact-blobs/'))
    expect(api?.status).toBe(302)
    expect(api?.headers.authorization).toBeDefined()
    expect(blob?.status).toBe(200)
    expect(blob?.headers.authorization).toBeUndefined()
  })
})

describe('untrusted artifacts', () => {
  async function attempt(files: Record<string, string | Uint8Array>, limits = DEFAULT_ZIP_LIMITS) {
    const runId = repo.addWorkflowRun()
    repo.addArtifact(runId, MEASURE_ARTIFACT, zip(files))
    return rejection(fetchIt(runId, limits))
  }

  const valid = () =>
    JSON.stringify({ schemaVersion: 1, kind: 'image-size-guard-measure', ...input() })

  it('rejects a payload that breaks the schema', async () => {
    const bad = JSON.parse(valid())
    bad.prNumber = '7; rm -rf /'
    const e = await attempt({ [MEASURE_FILE]: JSON.stringify(bad) })
    expect(e).toBeInstanceOf(ArtifactError)
    expect(e.message).toBe(
      `the artifact file ${MEASURE_FILE} is not a valid image-size-guard measure payload: /prNumber must be integer`
    )
  })

  it('rejects a payload from a newer version', async () => {
    const e = await attempt({
      [MEASURE_FILE]: valid().replace('"schemaVersion":1', '"schemaVersion":9')
    })
    expect(e.message).toMatch(/newer image-size-guard \(schema 9/)
  })

  it('rejects path traversal', async () => {
    const e = await attempt({ [`../${MEASURE_FILE}`]: valid() })
    expect(e.message).toBe(`the artifact holds a path that escapes it: "../${MEASURE_FILE}"`)
  })

  it('rejects unexpected files', async () => {
    const e = await attempt({ [MEASURE_FILE]: valid(), 'evil.sh': 'echo' })
    expect(e.message).toBe(
      `the artifact holds an unexpected file "evil.sh" (expected only ${MEASURE_FILE})`
    )
  })

  it('rejects an archive without the expected file', async () => {
    const e = await attempt({})
    expect(e.message).toBe(`artifact "${MEASURE_ARTIFACT}" does not contain ${MEASURE_FILE}`)
  })

  it('rejects a zip bomb by its declared size, before inflating', async () => {
    const bomb = new Uint8Array(3_000_000) // zeros: compresses to a few kB
    const e = await attempt(
      { [MEASURE_FILE]: bomb },
      { ...DEFAULT_ZIP_LIMITS, maxTotalBytes: 1_000_000 }
    )
    expect(e.message).toBe('the artifact unpacks to more than 1000000 bytes')
  })

  it('never inflates past a size the zip lies about', () => {
    const data = zip({ [MEASURE_FILE]: new Uint8Array(2_000_000) })
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
    // Central directory header: uncompressed size at offset 24.
    for (let i = data.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50) {
        view.setUint32(i + 24, 10, true)
        break
      }
    }
    const out = unzipArtifact(data, [MEASURE_FILE])
    expect(out.get(MEASURE_FILE)?.length).toBe(10)
    expect(() => parseMeasurePayload(Buffer.from(out.get(MEASURE_FILE) ?? []).toString())).toThrow(
      ArtifactError
    )
  })

  it('rejects too many entries and a zip that is too large', async () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'x']))
    expect(() => unzipArtifact(zip(many), [MEASURE_FILE])).toThrow(
      'the artifact holds more than 16 entries'
    )
    const e = await attempt(
      { [MEASURE_FILE]: valid() },
      { ...DEFAULT_ZIP_LIMITS, maxZipBytes: 100 }
    )
    expect(e.message).toMatch(
      new RegExp(`^artifact "${MEASURE_ARTIFACT}" is \\d+ bytes, over the 100 allowed$`)
    )
    expect(gh.requests.some(r => r.path.startsWith('/_artifact-blobs/'))).toBe(false)
  })

  it('rejects bytes that are not a zip', () => {
    expect(() => unzipArtifact(strToU8('not a zip at all, just text'), [MEASURE_FILE])).toThrow(
      /^the artifact is not a readable zip: /
    )
  })

  it('says what is missing when the run has no such artifact', async () => {
    const runId = repo.addWorkflowRun()
    const e = await rejection(fetchIt(runId))
    expect(e.message).toMatch(
      new RegExp(`^run ${runId} has no artifact named "${MEASURE_ARTIFACT}": .*upload-artifact`)
    )
  })

  it('says when the artifact expired', async () => {
    const runId = repo.addWorkflowRun()
    repo.addArtifact(runId, MEASURE_ARTIFACT, zip({ [MEASURE_FILE]: valid() }), { expired: true })
    const e = await rejection(fetchIt(runId))
    expect(e.message).toBe(`artifact "${MEASURE_ARTIFACT}" of run ${runId} has expired`)
  })

  it('names `actions: read` when the token cannot list artifacts', async () => {
    gh.addToken('noactions', { login: 'github-actions[bot]', permissions: { actions: 'none' } })
    const runId = repo.addWorkflowRun()
    const e = await rejection(
      fetchMeasurePayload(fastClient(gh, 'noactions'), { owner: OWNER, repo: REPO, runId })
    )
    expect(e.message).toMatch(/^listing the artifacts of run \d+ needs `actions: read`/)
  })
})

describe('verifyPullRequestHead', () => {
  it('trusts the PR number when its head is what the triggering run built', async () => {
    const pr = repo.addPullRequest({ headRepo: 'forker/app' })
    const info = await verifyPullRequestHead(octokit, {
      owner: OWNER,
      repo: REPO,
      prNumber: pr.number,
      runHeadSha: pr.headSha,
      payloadHeadSha: pr.headSha
    })
    expect(info.number).toBe(pr.number)
  })

  it('refuses a closed PR that shares the head commit', async () => {
    const pr = repo.addPullRequest({ headRepo: 'forker/app', state: 'closed' })
    const e = await rejection(
      verifyPullRequestHead(octokit, {
        owner: OWNER,
        repo: REPO,
        prNumber: pr.number,
        runHeadSha: pr.headSha,
        runHeadRepo: 'forker/app'
      })
    )
    expect(e.message).toBe(`PR #${pr.number} is closed, not open: refusing to post`)
  })

  it('refuses an open PR from another repository that shares the head commit', async () => {
    const built = repo.addPullRequest({ headRepo: 'forker/app' })
    const victim = repo.addPullRequest({ headRepo: 'victim/app', headSha: built.headSha })
    const e = await rejection(
      verifyPullRequestHead(octokit, {
        owner: OWNER,
        repo: REPO,
        prNumber: victim.number,
        runHeadSha: built.headSha,
        runHeadRepo: 'forker/app'
      })
    )
    expect(e.message).toBe(
      `PR #${victim.number} comes from victim/app, but the triggering run built forker/app: refusing to post`
    )
  })

  it('refuses a PR whose head is another commit', async () => {
    const pr = repo.addPullRequest()
    const other = repo.addPullRequest()
    const e = await rejection(
      verifyPullRequestHead(octokit, {
        owner: OWNER,
        repo: REPO,
        prNumber: other.number,
        runHeadSha: pr.headSha
      })
    )
    expect(e.message).toMatch(
      new RegExp(`^the artifact names PR #${other.number}, whose head is .*refusing to post`)
    )
  })

  it('refuses a payload that claims another head than the run built', async () => {
    const e = await rejection(
      verifyPullRequestHead(octokit, {
        owner: OWNER,
        repo: REPO,
        prNumber: 1,
        runHeadSha: 'a'.repeat(40),
        payloadHeadSha: 'b'.repeat(40)
      })
    )
    expect(e.message).toMatch(
      /^the artifact says it measured bbbbbbbbbbbb, but the triggering run built aaaaaaaaaaaa/
    )
    expect(gh.requests).toHaveLength(0)
  })
})
