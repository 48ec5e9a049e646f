// The "Bad inputs" table of docs/reliability.md, row by row, through the bundled action as
// GitHub runs it: each bad input gives one clear error (or, where it is not the user's mistake
// to fix in this run, one warning), no stack trace, and leaves the data branch as it was.
// Rows covered elsewhere name their test in the table (failing-world, builds, foundation).

import { describe, expect, it } from '@jest/globals'
import {
  DATA_BRANCH,
  archiveWorkspace,
  inWorld,
  pullRequestEvent,
  pushEvent,
  readOnlyToken,
  recordedDataBranch,
  type World
} from './support/world.js'
import type { ActionRun } from './support/action.js'

const MB = 1_000_000
const TIMEOUT = 240_000
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m

/** Exit 1, exactly one error matching `message`, no stack trace, nothing written to GitHub. */
function expectOneError(w: World, r: ActionRun, message: RegExp): void {
  expect(r.errors).toEqual([expect.stringMatching(message)])
  expect(r.code).toBe(1)
  expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME)
  expect(w.gh.requests.filter(q => q.method !== 'GET')).toEqual([])
}

async function prRun(w: World, inputs: Record<string, string>): Promise<ActionRun> {
  const pr = w.repo.addPullRequest({ user: 'alice' })
  return w.run(pullRequestEvent(pr), {
    workspace: await archiveWorkspace(2 * MB),
    inputs: { archive: 'app.tar', ...inputs }
  })
}

describe('bad inputs: one clear error each', () => {
  for (const [row, inputs, message] of [
    [
      'missing image',
      { archive: '', image: 'acme/not-built-yet:1' },
      /^image "acme\/not-built-yet:1" is not in the local Docker engine\. Build or pull it first, or pass an archive/
    ],
    [
      'unknown platform',
      { platform: 'linux/s390x' },
      /platform linux\/s390x is not in this image; it has: linux\/amd64\. Ask for one of those \(the `platform` input, or --platform\)/
    ],
    [
      'threshold `10 percent`',
      { 'max-increase': '10 percent' },
      /^input `max-increase`: "10 percent" is not valid\. Use a percentage \(10%\), a size like 500MB/
    ],
    [
      'threshold `-5MB`',
      { 'max-increase': '-5MB' },
      /^input `max-increase`: "-5MB" is not valid \(an increase limit cannot be negative\)\. Use /
    ],
    ['unknown hint id', { 'ignore-hints': 'pip-cahce' }, /pip-cahce.*pip-cache/],
    [
      'invalid images YAML',
      { archive: '', images: '- name: [api\n  context: api' },
      /^input `images` is not valid YAML \(line 2\): Flow sequence in block collection must be sufficiently indented and end with a \] at line 2, column 3$/
    ]
  ] as const) {
    it.concurrent(
      row,
      () =>
        inWorld(async w => {
          const r = await prRun(w, inputs)
          expectOneError(w, r, message)
        }),
      TIMEOUT
    )
  }
})

describe('bad baselines on the data branch', () => {
  /** The recorded data branch with the baseline of main's first commit replaced by `text`. */
  async function dataBranchWith(w: World, text: string): Promise<string> {
    const files = await recordedDataBranch(1 * MB)
    const path = Object.keys(files).find(p => p.startsWith('baselines/'))!
    w.repo.addCommit({
      branch: DATA_BRANCH,
      parents: [],
      files: { ...files, [path]: text },
      message: 'recorded'
    })
    return path
  }

  const newer = JSON.stringify({ schemaVersion: 99, kind: 'image-size-guard-baseline' })
  for (const [row, text, message] of [
    ['corrupt', '{"schemaVersion": 1, "kind": ', /is not valid JSON/],
    ['from a newer schema version', newer, /recorded by a newer image-size-guard \(schema 99/]
  ] as const) {
    it.concurrent(
      `a ${row} baseline is refused on record and left as it was`,
      () =>
        inWorld(async w => {
          const path = await dataBranchWith(w, text)
          const tip = w.repo.getBranch(DATA_BRANCH)
          const r = await w.run(pushEvent(w.repo.getBranch('main')!), {
            workspace: await archiveWorkspace(1 * MB),
            inputs: { archive: 'app.tar' }
          })
          expect(r.errors).toEqual([expect.stringMatching(message)])
          expect(r.errors[0]).toContain(path)
          expect(r.errors[0]).toContain('Not overwriting it')
          expect(r.code).toBe(1)
          expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME)
          expect(w.repo.getBranch(DATA_BRANCH)).toBe(tip)
          expect(w.repo.readFile(DATA_BRANCH, path)).toBe(text)
        }),
      TIMEOUT
    )

    it.concurrent(
      `a ${row} baseline is skipped by a PR with one warning naming it`,
      () =>
        inWorld(async w => {
          const path = await dataBranchWith(w, text)
          const r = await prRun(w, {})
          expect(r.code).toBe(0)
          expect(r.errors).toEqual([])
          expect(r.warnings).toEqual([expect.stringMatching(message)])
          expect(r.warnings[0]).toContain(path)
          expect(r.outputs.verdict).toBe('no-baseline')
          expect(w.repo.readFile(DATA_BRANCH, path)).toBe(text)
        }),
      TIMEOUT
    )
  }
})

describe('the data branch and the token', () => {
  it.concurrent(
    'a protected data branch: one error saying how to fix it, branch untouched',
    () =>
      inWorld(
        async w => {
          w.repo.protectBranch(DATA_BRANCH)
          const tip = w.repo.getBranch(DATA_BRANCH)
          const main = w.repo.addCommit({ branch: 'main', message: 'next' })
          const r = await w.run(pushEvent(main), {
            workspace: await archiveWorkspace(1 * MB),
            inputs: { archive: 'app.tar' }
          })
          expect(r.errors).toEqual([
            expect.stringMatching(
              /^recording the baseline failed: the data branch `image-size-guard-data` is protected .*set the `data-branch` input to an unprotected branch$/
            )
          ])
          expect(r.code).toBe(1)
          expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME)
          expect(w.repo.getBranch(DATA_BRANCH)).toBe(tip)
        },
        { baseline: 1 * MB }
      ),
    TIMEOUT
  )

  it.concurrent(
    'a missing data branch on a PR is "no baseline yet", not an error',
    () =>
      inWorld(async w => {
        const r = await prRun(w, {})
        expect(r.code).toBe(0)
        expect(r.errors).toEqual([])
        expect(r.outputs.verdict).toBe('no-baseline')
        expect(r.summary).toMatch(/no baseline yet/i)
      }),
    TIMEOUT
  )

  it.concurrent(
    'a token without `contents: write` on record: one error naming the permission',
    () =>
      inWorld(async w => {
        const r = await w.run(pushEvent(w.repo.getBranch('main')!), {
          workspace: await archiveWorkspace(1 * MB),
          inputs: { archive: 'app.tar' },
          token: readOnlyToken(w.gh)
        })
        expect(r.errors).toEqual([expect.stringContaining('`contents: write`')])
        expect(r.code).toBe(1)
        expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME)
        expect(w.repo.getBranch(DATA_BRANCH)).toBeUndefined()
      }),
    TIMEOUT
  )
})
