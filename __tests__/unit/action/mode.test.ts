// Which mode a run takes from the input and the event, and the events a mode cannot serve.

import { describe, expect, it } from '@jest/globals'
import { resolveMode, subjectSha } from '../../../src/action/mode.js'
import type { ActionContext } from '../../../src/github/context.js'

function ctx(eventName: string, payload: Record<string, unknown>, ref = ''): ActionContext {
  return {
    eventName,
    repository: { owner: 'acme', repo: 'app' },
    sha: 'c'.repeat(40),
    ref,
    runId: '1',
    serverUrl: 'https://github.com',
    apiUrl: 'https://api.github.com',
    workspace: '/w',
    payload: { repository: { default_branch: 'main' }, ...payload }
  }
}

const pr = {
  pull_request: { number: 7, head: { sha: 'a'.repeat(40) }, base: { sha: 'b'.repeat(40) } }
}

describe('resolveMode', () => {
  it('auto: records on the default branch, compares elsewhere, reports on workflow_run', () => {
    expect(resolveMode('auto', ctx('push', {}, 'refs/heads/main'))).toBe('record')
    expect(resolveMode('auto', ctx('push', {}, 'refs/heads/feature'))).toBe('compare')
    expect(resolveMode('auto', ctx('pull_request', pr))).toBe('compare')
    expect(resolveMode('auto', ctx('workflow_run', { workflow_run: { id: 1 } }))).toBe('report')
  })

  it('auto on an unsupported event names the event and the supported ones', () => {
    expect(() => resolveMode('auto', ctx('issues', {}))).toThrow(
      /"issues" event; it runs on push, pull_request, .*workflow_run/
    )
  })

  it('measure is refused up front without a pull request or a push to measure', () => {
    expect(resolveMode('measure', ctx('pull_request', pr))).toBe('measure')
    // A matrix leg on a push measures the pushed commit.
    expect(resolveMode('measure', ctx('push', {}, 'refs/heads/main'))).toBe('measure')
    expect(() => resolveMode('measure', ctx('schedule', {}, 'refs/heads/main'))).toThrow(
      /^`mode: measure` runs on pull_request events .*not on "schedule"/
    )
    const noHead = { pull_request: { number: 7 } }
    expect(() => resolveMode('measure', ctx('pull_request', noHead))).toThrow(/head commit/)
  })

  it('the subject of a PR run is its head commit, else the run commit', () => {
    expect(subjectSha(ctx('pull_request', pr))).toBe('a'.repeat(40))
    expect(subjectSha(ctx('push', {}))).toBe('c'.repeat(40))
  })
})
