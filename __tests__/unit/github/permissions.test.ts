import { describe, expect, it } from '@jest/globals'
import { isReadOnlyToken, labelEvents, permissionOf } from '../../../src/github/permissions.js'
import { acceptedBy, getPullRequest } from '../../../src/github/pull-request.js'
import { OWNER, REPO } from './setup.js'
import { useFakeGitHub } from '../../support/use-fake-github.js'

const hub = useFakeGitHub()

const LABEL = 'image-size-accepted'

describe('labelEvents', () => {
  it('reads every page and maps events for findAcceptance', async () => {
    const { number } = hub.repo.addPullRequest()
    for (let i = 0; i < 120; i++)
      hub.repo.addLabelEvent(number, { label: `l${i % 3}`, actor: 'bob' })
    hub.repo.addLabelEvent(number, { label: LABEL, actor: 'alice' })
    const events = await labelEvents(hub.octokit, OWNER, REPO, number)
    expect(events).toHaveLength(121)
    expect(events.at(-1)).toEqual({ event: 'labeled', label: LABEL, actor: 'alice' })
  })
})

describe('permissionOf', () => {
  it('reads roles, caches them, and treats an unknown user as none', async () => {
    hub.repo.setPermission('alice', 'maintain')
    hub.repo.setPermission('tri', 'triage')
    const of = permissionOf(hub.octokit, OWNER, REPO)
    expect(await of('alice')).toBe('maintain')
    expect(await of('alice')).toBe('maintain')
    expect(await of('tri')).toBe('triage')
    expect(await of('stranger')).toBe('none')
    expect(hub.gh.requestsTo('GET', `/repos/${OWNER}/${REPO}/collaborators/alice`)).toHaveLength(1)
    hub.gh.failNext({ path: `/repos/${OWNER}/${REPO}/collaborators/ghost`, status: 404 })
    expect(await of('ghost')).toBe('none')
  })
})

describe('acceptedBy', () => {
  it('accepts the label from someone with write access', async () => {
    const { number } = hub.repo.addPullRequest({ user: 'author' })
    hub.repo.setPermission('maintainer', 'write')
    hub.repo.addLabelEvent(number, { label: LABEL, actor: 'maintainer' })
    expect(await acceptedBy(hub.octokit, { owner: OWNER, repo: REPO, number, label: LABEL })).toBe(
      'maintainer'
    )
  })

  it('ignores a label the author added without write access', async () => {
    const { number } = hub.repo.addPullRequest({ user: 'author' })
    hub.repo.addLabelEvent(number, { label: LABEL, actor: 'author' })
    expect(
      await acceptedBy(hub.octokit, { owner: OWNER, repo: REPO, number, label: LABEL })
    ).toBeUndefined()
  })

  it('forgets an acceptance once the label was removed', async () => {
    const { number } = hub.repo.addPullRequest()
    hub.repo.setPermission('maintainer', 'admin')
    hub.repo.addLabelEvent(number, { label: LABEL, actor: 'maintainer' })
    hub.repo.addLabelEvent(number, { label: LABEL, actor: 'maintainer', event: 'unlabeled' })
    expect(
      await acceptedBy(hub.octokit, { owner: OWNER, repo: REPO, number, label: LABEL })
    ).toBeUndefined()
    // Without the label, no events are even read.
    expect(
      hub.gh.requestsTo('GET', `/repos/${OWNER}/${REPO}/issues/${number}/events`)
    ).toHaveLength(0)
  })
})

describe('getPullRequest', () => {
  it('returns what the action needs', async () => {
    const seeded = hub.repo.addPullRequest({
      user: 'alice',
      labels: ['a', 'b'],
      headRepo: 'forker/app'
    })
    const pr = await getPullRequest(hub.octokit, OWNER, REPO, seeded.number)
    expect(pr).toEqual({
      number: seeded.number,
      headSha: seeded.headSha,
      baseSha: seeded.baseSha,
      headRef: seeded.headRef,
      baseRef: 'main',
      headRepo: 'forker/app',
      author: 'alice',
      labels: ['a', 'b'],
      state: 'open'
    })
  })
})

describe('isReadOnlyToken', () => {
  const pr = (head: unknown, base = { full_name: 'acme/app' }) => ({
    pull_request: { head: { repo: head }, base: { repo: base } }
  })
  it.each([
    ['pull_request', pr({ full_name: 'forker/app', fork: true }), true],
    ['pull_request', pr({ full_name: 'acme/app', fork: false }), false],
    ['pull_request', pr(null), true],
    ['pull_request', pr({ fork: true }, {} as never), true],
    [
      'pull_request',
      { ...pr({ full_name: 'acme/app' }), sender: { login: 'dependabot[bot]' } },
      true
    ],
    ['pull_request_target', pr({ full_name: 'forker/app', fork: true }), false],
    ['workflow_run', {}, false],
    ['push', {}, false]
  ])('%s %j → %s', (event, payload, readOnly) => {
    expect(isReadOnlyToken(event, payload as Record<string, unknown>)).toBe(readOnly)
  })
})
