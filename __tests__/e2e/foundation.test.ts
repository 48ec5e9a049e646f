// Scenario 1 (and the unsupported-event case of 13): the bundle outside a workflow, the command
// line's usage and flag errors, and an event the action does not handle. No engine needed.

import { describe, expect, it } from '@jest/globals'
import { baseEnv, bundleDir, spawnNode } from './support/action.js'
import { archiveWorkspace, inWorld, pullRequestEvent, tempDir } from './support/world.js'
import { join } from 'node:path'

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m

describe('the bundle outside GitHub Actions', () => {
  it('prints exactly one ::error:: line and exits 1, without a stack trace', async () => {
    const dist = await bundleDir()
    const r = await spawnNode([join(dist, 'index.js')], baseEnv(), tempDir())
    const lines = r.stdout.split('\n').filter(l => l !== '')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^::error::image-size-guard runs as a step of a GitHub Actions workflow/
    )
    expect(lines[0]).toContain('npx image-size-guard analyze')
    expect(r.stderr).toBe('')
    expect(`${r.stdout}${r.stderr}`).not.toMatch(STACK_FRAME)
    expect(r.code).toBe(1)
  })
})

describe('the command line bundle', () => {
  it('--help prints the usage and exits 0', async () => {
    const dist = await bundleDir()
    const r = await spawnNode([join(dist, 'cli', 'index.js'), '--help'], baseEnv(), tempDir())
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^image-size-guard \d+\.\d+\.\d+/)
    expect(r.stdout).toContain('Usage:\n  image-size-guard analyze <source> [options]')
    expect(r.stdout).toContain('Exit codes:')
    expect(r.stderr).toBe('')
  })

  it('an unknown flag is one clear line on stderr and exit 2', async () => {
    const dist = await bundleDir()
    const r = await spawnNode(
      [join(dist, 'cli', 'index.js'), 'analyze', 'x.tar', '--frobnicate'],
      baseEnv(),
      tempDir()
    )
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    const lines = r.stderr.split('\n').filter(l => l !== '')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^image-size-guard: unknown option --frobnicate \(.*\)\. Run image-size-guard --help for usage\.$/
    )
    expect(r.stderr).not.toMatch(STACK_FRAME)
  })
})

describe('an event the action does not handle', () => {
  it('`issues` fails with one error listing the supported events; nothing is written', async () => {
    await inWorld(async w => {
      const workspace = await archiveWorkspace(100_000)
      const r = await w.run(
        {
          event: 'issues',
          payload: {
            action: 'opened',
            issue: { number: 1 },
            repository: { default_branch: 'main' }
          },
          sha: w.repo.getBranch('main')!,
          ref: 'refs/heads/main'
        },
        { workspace, inputs: { archive: 'app.tar' } }
      )
      expect(r.code).toBe(1)
      expect(r.errors).toHaveLength(1)
      expect(r.errors[0]).toMatch(/"issues" event/)
      for (const event of [
        'push',
        'pull_request',
        'pull_request_target',
        'merge_group',
        'workflow_run'
      ])
        expect(r.errors[0]).toContain(event)
      expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME)
      expect(w.gh.requests.filter(q => q.method !== 'GET')).toEqual([])
      expect(r.outputs).toEqual({})
    })
  })
})

describe('inputs the action cannot use', () => {
  for (const [inputs, message] of [
    [{ 'max-increase': 'lots' }, /^input `max-increase`/],
    [{ 'github-token': '' }, /^the input `github-token` is empty/],
    [{ images: '- name: api\n  contxt: api' }, /unknown key\(s\) contxt/]
  ] as const) {
    it(`${Object.keys(inputs)[0]}: one error naming it, nothing done`, async () => {
      await inWorld(async w => {
        const pr = w.repo.addPullRequest({ user: 'alice' })
        const r = await w.run(pullRequestEvent(pr), {
          workspace: await archiveWorkspace(1000),
          inputs: { archive: 'app.tar', ...inputs }
        })
        expect(r.code).toBe(1)
        expect(r.errors).toEqual([expect.stringMatching(message)])
        expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME)
        expect(w.gh.requests).toEqual([])
      })
    })
  }
})
