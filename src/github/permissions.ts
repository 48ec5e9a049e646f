// Who may do what: label events and collaborator permissions (they feed findAcceptance in
// src/diff/acceptance.ts), and whether this run's token can write at all.

import type { LabelEvent, Permission } from '../diff/acceptance.js'
import { apiFailure, httpStatus, type Octokit } from '../github-api.js'

/** The PR's issue events, every page, as findAcceptance reads them (oldest first). */
export async function labelEvents(
  octokit: Octokit,
  owner: string,
  repo: string,
  issue: number
): Promise<LabelEvent[]> {
  try {
    const events = await octokit.paginate(octokit.rest.issues.listEvents, {
      owner,
      repo,
      issue_number: issue,
      per_page: 100
    })
    return events.map(e => {
      const { label, actor } = e as { label?: { name?: string }; actor?: { login?: string } | null }
      return {
        event: e.event,
        ...(label?.name ? { label: label.name } : {}),
        ...(actor?.login ? { actor: actor.login } : {})
      }
    })
  } catch (e) {
    throw apiFailure(e, `reading the label history of #${issue}`, 'pull-requests: read')
  }
}

const ROLES: Permission[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none']

/**
 * `login → permission` on the repository, cached per login. A custom role falls back to the
 * legacy `permission` field (admin / write / read / none); an unknown user is `none`.
 */
export function permissionOf(
  octokit: Octokit,
  owner: string,
  repo: string
): (login: string) => Promise<Permission> {
  const cache = new Map<string, Promise<Permission>>()
  const lookup = async (login: string): Promise<Permission> => {
    try {
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
        owner,
        repo,
        username: login
      })
      const role = (data as { role_name?: string }).role_name as Permission | undefined
      if (role && ROLES.includes(role)) return role
      return ROLES.includes(data.permission as Permission)
        ? (data.permission as Permission)
        : 'none'
    } catch (e) {
      if (httpStatus(e) === 404) return 'none'
      throw apiFailure(e, `checking the permission of @${login}`, 'metadata: read')
    }
  }
  return login => {
    let p = cache.get(login)
    if (!p) {
      p = lookup(login)
      cache.set(login, p)
    }
    return p
  }
}

interface RepoRef {
  full_name?: string
  fork?: boolean
}

/**
 * True when GitHub gives this run a read-only token whatever `permissions:` says: a
 * `pull_request` from a fork (or from Dependabot). Writes are then skipped with a notice
 * instead of failing on 403; the two-workflow setup posts the results instead.
 * `pull_request_target` and `workflow_run` runs get the base repository's token.
 */
export function isReadOnlyToken(eventName: string, payload: Record<string, unknown>): boolean {
  if (eventName !== 'pull_request') return false
  const pr = payload.pull_request as
    { head?: { repo?: RepoRef | null }; base?: { repo?: RepoRef } } | undefined
  const sender = (payload.sender as { login?: string } | undefined)?.login
  if (sender === 'dependabot[bot]') return true
  if (!pr) return false
  const head = pr.head?.repo
  // A deleted fork shows as `head.repo: null`.
  if (head === null) return true
  const base = pr.base?.repo
  if (head?.full_name && base?.full_name) return head.full_name !== base.full_name
  return head?.fork === true
}
