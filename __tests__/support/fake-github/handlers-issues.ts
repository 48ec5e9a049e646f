/** Issues, comments, labels, pull requests, statuses, collaborators, repository and user. */
import { paginate } from './pagination.js'
import {
  commentJson,
  diffEntryJson,
  issueEventJson,
  labelJson,
  minimalRepoJson,
  pullJson,
  repoJson,
  statusJson,
  userJson
} from './representations.js'
import type { IssueRecord, RepoModel, StatusRecord } from './repo-model.js'
import {
  access,
  ApiError,
  notFound,
  requireRepo,
  validationFailed,
  type HandlerContext,
  type Json,
  type Permission,
  type Routes,
  type Scope
} from './types.js'

/** GitHub rejects comment bodies longer than this many characters. */
export const MAX_COMMENT_LENGTH = 65536
export const MAX_STATUS_DESCRIPTION = 140

// Comments and labels on a PR need issues OR pull_requests permission.
const ISSUE_SCOPES: Scope[] = ['issues', 'pullRequests']

function issueOf(ctx: HandlerContext): { repo: RepoModel; issue: IssueRecord } {
  const repo = requireRepo(ctx)
  const issue = repo.issue(Number(ctx.params.issue_number))
  if (!issue) throw notFound()
  return { repo, issue }
}

function checkCommentBody(body: string): void {
  if ([...body].length > MAX_COMMENT_LENGTH) {
    throw validationFailed(
      'IssueComment',
      'data',
      `Body is too long (maximum is ${MAX_COMMENT_LENGTH} characters)`,
      'unprocessable'
    )
  }
}

function commentOf(ctx: HandlerContext) {
  const repo = requireRepo(ctx)
  const comment = repo.findComment(Number(ctx.params.comment_id))
  if (!comment) throw notFound()
  return { repo, comment }
}

const commentRoutes: Routes = {
  'issues/list-comments': {
    access: access.read(...ISSUE_SCOPES),
    handle(ctx) {
      const { repo, issue } = issueOf(ctx)
      const since = typeof ctx.query.since === 'string' ? Date.parse(ctx.query.since) : 0
      const comments = issue.comments.filter(c => Date.parse(c.updatedAt) >= since)
      const page = paginate(ctx, comments)
      return { status: 200, body: page.items.map(c => commentJson(repo, c)), headers: page.headers }
    }
  },
  'issues/create-comment': {
    access: access.write(...ISSUE_SCOPES),
    handle(ctx) {
      const { repo, issue } = issueOf(ctx)
      const body = String(ctx.body.body)
      checkCommentBody(body)
      const comment = repo.createComment(issue, ctx.identity, body)
      const json = commentJson(repo, comment)
      return { status: 201, body: json, headers: { location: String(json.url) } }
    }
  },
  'issues/get-comment': {
    access: access.read(...ISSUE_SCOPES),
    handle(ctx) {
      const { repo, comment } = commentOf(ctx)
      return { status: 200, body: commentJson(repo, comment) }
    }
  },
  'issues/update-comment': {
    access: access.write(...ISSUE_SCOPES),
    handle(ctx) {
      const { repo, comment } = commentOf(ctx)
      const body = String(ctx.body.body)
      checkCommentBody(body)
      comment.body = body
      comment.updatedAt = repo.state.tick()
      return { status: 200, body: commentJson(repo, comment) }
    }
  },
  'issues/delete-comment': {
    access: access.write(...ISSUE_SCOPES),
    handle(ctx) {
      const { repo, comment } = commentOf(ctx)
      repo.deleteComment(comment.id)
      return { status: 204 }
    }
  }
}

const issueRoutes: Routes = {
  'issues/list-events': {
    access: access.read(...ISSUE_SCOPES),
    handle(ctx) {
      const { repo, issue } = issueOf(ctx)
      const page = paginate(ctx, issue.events)
      return {
        status: 200,
        body: page.items.map(e => issueEventJson(repo, e)),
        headers: page.headers
      }
    }
  },
  'issues/list-labels-on-issue': {
    access: access.read(...ISSUE_SCOPES),
    handle(ctx) {
      const { repo, issue } = issueOf(ctx)
      const page = paginate(ctx, issue.labels)
      return { status: 200, body: page.items.map(l => labelJson(repo, l)), headers: page.headers }
    }
  },
  'pulls/list': {
    access: access.read('pullRequests'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const state = String(ctx.query.state ?? 'open')
      const pulls = [...repo.issues.values()]
        .filter(i => i.pull && (state === 'all' || i.state === state))
        .filter(i => typeof ctx.query.base !== 'string' || i.pull?.baseRef === ctx.query.base)
        .sort((a, b) => b.number - a.number)
      const page = paginate(ctx, pulls)
      return { status: 200, body: page.items.map(i => pullJson(repo, i)), headers: page.headers }
    }
  },
  'pulls/get': {
    access: access.read('pullRequests'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const issue = repo.issue(Number(ctx.params.pull_number))
      if (!issue?.pull) throw notFound()
      return { status: 200, body: pullJson(repo, issue) }
    }
  },
  'pulls/list-files': {
    access: access.read('pullRequests'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const issue = repo.issue(Number(ctx.params.pull_number))
      const pull = issue?.pull
      if (!pull) throw notFound()
      // GitHub lists at most 3000 files of a PR.
      const files = repo.changedFiles(pull.baseSha, pull.headSha).slice(0, 3000)
      const page = paginate(ctx, files)
      return {
        status: 200,
        body: page.items.map(f => diffEntryJson(repo, pull.headSha, f)),
        headers: page.headers
      }
    }
  }
}

function createStatus(ctx: HandlerContext, repo: RepoModel, sha: string): StatusRecord {
  const description = (ctx.body.description as string | null | undefined) ?? null
  if (description !== null && [...description].length > MAX_STATUS_DESCRIPTION) {
    throw validationFailed(
      'Status',
      'description',
      `description is too long (maximum is ${MAX_STATUS_DESCRIPTION} characters)`
    )
  }
  return {
    id: repo.state.nextId(),
    sha,
    state: ctx.body.state as StatusRecord['state'],
    description,
    targetUrl: (ctx.body.target_url as string | null | undefined) ?? null,
    context: (ctx.body.context as string | undefined) ?? 'default',
    creator: ctx.identity,
    createdAt: repo.state.tick()
  }
}

function statusTarget(ctx: HandlerContext): { repo: RepoModel; sha: string } {
  const repo = requireRepo(ctx)
  const ref = String(ctx.params.ref)
  const sha = repo.resolveCommit(ref) ?? (repo.knowsCommit(ref) ? ref : undefined)
  if (!sha) throw new ApiError(404, `No commit found for SHA: ${ref}`)
  return { repo, sha }
}

// The combined status keeps only the newest status per context.
function latestPerContext(repo: RepoModel, sha: string): StatusRecord[] {
  const latest = new Map<string, StatusRecord>()
  for (const status of repo.statusRecords.filter(s => s.sha === sha))
    latest.set(status.context, status)
  return [...latest.values()].reverse()
}

function combinedState(statuses: StatusRecord[]): string {
  if (statuses.some(s => s.state === 'error' || s.state === 'failure')) return 'failure'
  if (statuses.length === 0 || statuses.some(s => s.state === 'pending')) return 'pending'
  return 'success'
}

const statusRoutes: Routes = {
  'repos/create-commit-status': {
    access: access.write('statuses'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const sha = String(ctx.params.sha)
      if (!repo.knowsCommit(sha)) throw new ApiError(422, `No commit found for SHA: ${sha}`)
      const status = createStatus(ctx, repo, sha)
      repo.statusRecords.push(status)
      const json = statusJson(repo, status)
      return { status: 201, body: json, headers: { location: String(json.url) } }
    }
  },
  'repos/list-commit-statuses-for-ref': {
    access: access.read('statuses'),
    handle(ctx) {
      const { repo, sha } = statusTarget(ctx)
      const statuses = repo.statusRecords.filter(s => s.sha === sha).reverse()
      const page = paginate(ctx, statuses)
      return { status: 200, body: page.items.map(s => statusJson(repo, s)), headers: page.headers }
    }
  },
  'repos/get-combined-status-for-ref': {
    access: access.read('statuses'),
    handle(ctx) {
      const { repo, sha } = statusTarget(ctx)
      const statuses = latestPerContext(repo, sha)
      const body = {
        state: combinedState(statuses),
        statuses: statuses.map(s => ({ ...statusJson(repo, s), creator: undefined })),
        sha,
        total_count: statuses.length,
        repository: minimalRepoJson(repo),
        commit_url: `${repo.apiUrl}/commits/${sha}`,
        url: `${repo.apiUrl}/commits/${sha}/status`
      }
      return { status: 200, body: JSON.parse(JSON.stringify(body)) }
    }
  }
}

// The legacy `permission` field only knows admin/write/read/none.
const LEGACY_PERMISSION: Record<Permission, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none'
}

function permissionFlags(role: Permission): Json {
  const rank = ['none', 'read', 'triage', 'write', 'maintain', 'admin'].indexOf(role)
  return {
    pull: rank >= 1,
    triage: rank >= 2,
    push: rank >= 3,
    maintain: rank >= 4,
    admin: rank >= 5
  }
}

const repoRoutes: Routes = {
  'repos/get-collaborator-permission-level': {
    access: access.read('metadata'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const user = repo.state.user(String(ctx.params.username))
      const role = repo.permissionOf(user.login)
      const collaborator = {
        ...userJson(repo.state, user),
        permissions: permissionFlags(role),
        role_name: role
      }
      const body = { permission: LEGACY_PERMISSION[role], role_name: role, user: collaborator }
      return { status: 200, body }
    }
  },
  'repos/get': {
    access: access.read('metadata'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const perms = ctx.token.permissions
      const permissions = {
        admin: false,
        maintain: false,
        push: perms.contents === 'write',
        triage: perms.issues === 'write' || perms.pullRequests === 'write',
        pull: true
      }
      return { status: 200, body: repoJson(repo, permissions) }
    }
  },
  'users/get-authenticated': {
    handle(ctx) {
      // Installation tokens (GITHUB_TOKEN) have no user behind them.
      if (ctx.identity.type === 'Bot') {
        throw new ApiError(403, 'Resource not accessible by integration')
      }
      const now = ctx.state.tick()
      const profile = {
        name: ctx.identity.login,
        company: null,
        blog: '',
        location: null,
        email: null,
        hireable: null,
        bio: null,
        public_repos: 0,
        public_gists: 0,
        followers: 0,
        following: 0,
        created_at: now,
        updated_at: now
      }
      return { status: 200, body: { ...userJson(ctx.state, ctx.identity), ...profile } }
    }
  }
}

export const issueAndRepoRoutes: Routes = {
  ...commentRoutes,
  ...issueRoutes,
  ...statusRoutes,
  ...repoRoutes
}
