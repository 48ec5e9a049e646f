// Report mode trusts only what the trusted side declares; a PR that changes the workflow
// that measured it is unverified. The PR's files come from the fake GitHub API (validated
// against @octokit/openapi), listed over pages as GitHub lists them.

import { describe, expect, it } from '@jest/globals'
import {
  changesMeasurement,
  declaredResults,
  unverifiedNotice,
  untrustedBecause
} from '../../../src/action/report-trust.js'
import type { ImageSpec } from '../../../src/inputs.js'
import { makeReport } from '../../support/reports.js'
import { OWNER, REPO } from '../github/setup.js'
import { useFakeGitHub } from '../../support/use-fake-github.js'

const hub = useFakeGitHub()

const t = () => ({ octokit: hub.octokit, owner: OWNER, repo: REPO })

/** A fork PR whose head commit writes `files` on top of main. */
function prChanging(files: Record<string, string>) {
  const base = hub.repo.addCommit({ branch: 'main', files: { Dockerfile: 'FROM scratch\n' } })
  const head = hub.repo.addCommit({ parents: [base], files })
  return hub.repo.addPullRequest({ headRepo: 'forker/app', baseSha: base, headSha: head })
}

describe('changesMeasurement', () => {
  it.each([
    ['.github/workflows/measure.yml', true],
    ['.github/workflows/sub/x.yaml', true],
    ['.github/actions/setup/action.yml', true],
    ['.github/image-size-guard.yml', true],
    ['Dockerfile', false],
    ['src/app.py', false],
    ['.github/CODEOWNERS', false],
    ['docs/.github/workflows/x.yml', false]
  ])('%s → %s', (path, want) => expect(changesMeasurement(path)).toBe(want))
})

describe('untrustedBecause', () => {
  it('names the workflow a PR changes', async () => {
    const pr = prChanging({ Dockerfile: 'FROM busybox\n', '.github/workflows/m.yml': 'on: x\n' })
    expect(await untrustedBecause(t(), pr.number)).toEqual(['.github/workflows/m.yml'])
    expect(hub.gh.requests.map(r => r.operationId)).toEqual(['pulls/list-files'])
  })

  it('trusts a PR that changes only its code', async () => {
    const pr = prChanging({ Dockerfile: 'FROM busybox\n', 'src/a.py': 'x' })
    expect(await untrustedBecause(t(), pr.number)).toEqual([])
  })

  it('finds the config file past the first page, within 30 requests', async () => {
    const files: Record<string, string> = { '.github/image-size-guard.yml': 'images: []\n' }
    for (let i = 0; i < 250; i++) files[`a/f${String(i).padStart(3, '0')}`] = String(i)
    const pr = prChanging(files)
    expect(await untrustedBecause(t(), pr.number)).toEqual(['.github/image-size-guard.yml'])
    expect(hub.gh.requests.length).toBe(3)
  })
})

describe('declaredResults', () => {
  const spec = (name: string, platform?: string): ImageSpec => ({
    name,
    ...(platform ? { platform } : {}),
    thresholds: { ignoreBaseChange: false, failOnHints: [] }
  })
  const result = (name: string, platform = 'linux/amd64') => ({
    name,
    platform,
    report: makeReport([{ createdBy: 'RUN x', bytes: 1 }])
  })

  it('keeps declared names with their specs and drops the rest', () => {
    const r = declaredResults(
      [result('api'), result('deploy-gate'), result('worker', 'linux/arm64')],
      [spec('api'), spec('worker', 'linux/amd64')]
    )
    expect(r.kept.map(k => k.spec.name)).toEqual(['api'])
    expect(r.dropped).toEqual(['deploy-gate (linux/amd64)', 'worker (linux/arm64)'])
  })
})

describe('unverifiedNotice', () => {
  it('escapes the paths it names', () => {
    const n = unverifiedNotice(['.github/workflows/<b>@x.yml', '…'])
    expect(n).toMatch(/^> \[!WARNING\]\n> \*\*Unverified\*\*/)
    expect(n).not.toContain('<b>')
    expect(n).toContain('…')
  })
})
