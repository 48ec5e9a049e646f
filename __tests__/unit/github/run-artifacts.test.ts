import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { strToU8, zipSync } from 'fflate'
import { defaultLeg, MAX_AGGREGATE_IMAGES, uniqueResults } from '../../../src/action/aggregate.js'
import { ArtifactError, makeMeasurePayload, MEASURE_FILE } from '../../../src/github/artifact.js'
import type { Octokit } from '../../../src/github-api.js'
import { openPullBaseShas } from '../../../src/github/open-pulls.js'
import {
  fetchLegs,
  MAX_LEGS,
  parseLegPayload,
  writeLegArtifact
} from '../../../src/github/run-artifacts.js'
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
  dir = await mkdtemp(join(tmpdir(), 'isg-legs-'))
})

afterEach(async () => {
  gh.assertNoValidationErrors()
  await gh.close()
  await rm(dir, { recursive: true, force: true })
})

const SHA = 'c'.repeat(40)
const report = makeReport([{ createdBy: 'RUN make', bytes: 3_000_000 }])
const result = (name: string) => ({ name, platform: 'linux/amd64', report })

async function legZip(name: string, sha = SHA): Promise<Uint8Array> {
  const path = await writeLegArtifact(join(dir, name), sha, [result(name)])
  return zipSync({ [MEASURE_FILE]: strToU8(await readFile(path, 'utf8')) })
}

const fetchRun = (runId: number) =>
  fetchLegs(octokit, { owner: OWNER, repo: REPO, runId, prefix: 'image-size-guard-report' })

describe('fetchLegs', () => {
  it('reads every <prefix>-<leg> artifact of the run, and only of that run', async () => {
    const run = repo.addWorkflowRun({ event: 'push' })
    const other = repo.addWorkflowRun({ event: 'push' })
    repo.addArtifact(run, 'image-size-guard-report-web', await legZip('web'))
    repo.addArtifact(run, 'image-size-guard-report-api', await legZip('api'))
    repo.addArtifact(run, 'something-else', await legZip('x'))
    repo.addArtifact(other, 'image-size-guard-report-db', await legZip('db'))
    const { legs, unreadable } = await fetchRun(run)
    expect(legs.map(l => l.leg)).toEqual(['api', 'web'])
    expect(legs[0].payload).toMatchObject({ kind: 'image-size-guard-leg', sha: SHA })
    expect(legs[0].payload.results[0].name).toBe('api')
    expect(unreadable).toEqual([])
  })

  it('takes the newest artifact of a leg (a re-run uploads again)', async () => {
    const run = repo.addWorkflowRun({ event: 'push' })
    repo.addArtifact(run, 'image-size-guard-report-api', await legZip('old'))
    repo.addArtifact(run, 'image-size-guard-report-api', await legZip('new'))
    const { legs } = await fetchRun(run)
    expect(legs.map(l => l.payload.results[0].name)).toEqual(['new'])
  })

  it('reads a pull request leg (the fork-safe measure payload) too', async () => {
    const run = repo.addWorkflowRun({})
    const payload = makeMeasurePayload({
      prNumber: 3,
      headSha: SHA,
      baseSha: 'b'.repeat(40),
      results: [result('api')]
    })
    repo.addArtifact(
      run,
      'image-size-guard-report-api',
      zipSync({ [MEASURE_FILE]: strToU8(JSON.stringify(payload)) })
    )
    const { legs } = await fetchRun(run)
    expect(legs[0].payload).toMatchObject({ kind: 'image-size-guard-measure', prNumber: 3 })
  })

  it('names unreadable and expired legs instead of failing the whole report', async () => {
    const run = repo.addWorkflowRun({})
    repo.addArtifact(run, 'image-size-guard-report-bad', strToU8('not a zip'))
    repo.addArtifact(
      run,
      'image-size-guard-report-evil',
      zipSync({ [MEASURE_FILE]: strToU8('{"kind":"image-size-guard-leg","schemaVersion":1}') })
    )
    repo.addArtifact(run, 'image-size-guard-report-gone', await legZip('gone'), { expired: true })
    repo.addArtifact(run, 'image-size-guard-report-ok', await legZip('ok'))
    const { legs, unreadable } = await fetchRun(run)
    expect(legs.map(l => l.leg)).toEqual(['ok'])
    expect(unreadable).toEqual([
      { leg: 'bad', reason: expect.stringMatching(/not a readable zip/) },
      { leg: 'evil', reason: expect.stringMatching(/image-size-guard leg report/) },
      { leg: 'gone', reason: expect.stringMatching(/has expired/) }
    ])
  })

  it(`refuses more than ${MAX_LEGS} legs`, async () => {
    const run = repo.addWorkflowRun({})
    const bytes = await legZip('x')
    for (let i = 0; i <= MAX_LEGS; i++)
      repo.addArtifact(run, `image-size-guard-report-l${i}`, bytes)
    const e = await rejection(fetchRun(run))
    expect(e).toBeInstanceOf(ArtifactError)
    expect(e.message).toMatch(/257 artifacts named "image-size-guard-report-…", over the 256/)
  })
})

describe('parseLegPayload', () => {
  it('refuses a newer writer and a wrong shape with the file named', () => {
    expect(() =>
      parseLegPayload('{"kind":"image-size-guard-leg","schemaVersion":99}', 'leg.json')
    ).toThrow(/leg\.json/)
    expect(() => parseLegPayload('[]', 'leg.json')).toThrow(ArtifactError)
  })
})

describe('defaultLeg', () => {
  it.each([
    [[{ name: 'api', platform: 'linux/amd64' }], 'api'],
    [[{ name: 'api', platform: 'linux/arm64' }], 'api-linux-arm64'],
    [
      [
        { name: 'api', platform: 'linux/amd64' },
        { name: 'web/v2', platform: 'linux/amd64' }
      ],
      'api_web_v2-6198711e6e' // an unsafe name gets its hash, so two never collide
    ],
    [[], 'leg']
  ])('%j → %s', (results, leg) => {
    expect(defaultLeg(results)).toBe(leg)
  })
})

describe('openPullBaseShas', () => {
  it('lists the base commits of open pull requests only', async () => {
    const a = repo.addPullRequest({})
    const b = repo.addPullRequest({ baseSha: repo.addCommit({ branch: 'main' }) })
    repo.addPullRequest({ state: 'closed', baseSha: repo.addCommit({ branch: 'main' }) })
    expect(await openPullBaseShas(octokit, OWNER, REPO)).toEqual(new Set([a.baseSha, b.baseSha]))
  })
})

describe('uniqueResults', () => {
  const legOf = (leg: string, names: string[]) => ({
    leg,
    payload: {
      schemaVersion: 1 as const,
      kind: 'image-size-guard-leg' as const,
      sha: SHA,
      results: names.map(result)
    }
  })

  it('keeps the first of an image two legs measured', () => {
    const results = uniqueResults([legOf('a', ['api', 'web']), legOf('b', ['web', 'db'])])
    expect(results.map(r => r.name)).toEqual(['api', 'web', 'db'])
  })

  it(`refuses more than ${MAX_AGGREGATE_IMAGES} images across the legs`, () => {
    const names = Array.from({ length: 100 }, (_, i) => `i${i}`)
    const legs = Array.from({ length: 6 }, (_, i) => legOf(`l${i}`, names))
    expect(() => uniqueResults(legs)).toThrow(
      /the legs measured 600 images, over the 500 one aggregate job reports/
    )
  })
})
