/**
 * JSON bodies in GitHub's shapes. Every required field of the documented schema is filled:
 * API URLs point at the fake (so a client following them stays on it), html URLs at github.com.
 */
import type { FakeState } from './state.js'
import type {
  ArtifactRecord,
  CommentRecord,
  IssueEventRecord,
  IssueRecord,
  LabelRecord,
  RepoModel,
  StatusRecord,
  WorkflowRunRecord
} from './repo-model.js'
import type { Identity, Json } from './types.js'

const HTML = 'https://github.com'

/** Opaque GraphQL-style ids; only their presence and stability matter. */
export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_${Buffer.from(String(id)).toString('base64url')}`
}

export function userJson(state: FakeState, user: Identity): Json {
  const api = `${state.baseUrl}/users/${encodeURIComponent(user.login)}`
  const html =
    user.type === 'Bot'
      ? `${HTML}/apps/${user.login.replace(/\[bot\]$/, '')}`
      : `${HTML}/${user.login}`
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === 'Bot' ? 'BOT' : 'U', user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: html,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: false
  }
}

const REPO_URL_TEMPLATES: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}'
}

/** `minimal-repository` fields. */
export function minimalRepoJson(repo: RepoModel): Json {
  const urls = Object.fromEntries(
    Object.entries(REPO_URL_TEMPLATES).map(([key, suffix]) => [key, `${repo.apiUrl}${suffix}`])
  )
  return {
    id: repo.id,
    node_id: nodeId('R', repo.id),
    name: repo.name,
    full_name: repo.fullName,
    owner: userJson(repo.state, repo.state.user(repo.owner)),
    private: false,
    html_url: repo.htmlUrl,
    description: null,
    fork: repo.fork,
    url: repo.apiUrl,
    ...urls
  }
}

/** `repository` / `full-repository` fields; `permissions` as seen by the caller. */
export function repoJson(repo: RepoModel, permissions?: Json): Json {
  const openIssues = [...repo.issues.values()].filter(i => i.state === 'open').length
  return {
    ...minimalRepoJson(repo),
    clone_url: `${repo.htmlUrl}.git`,
    git_url: `git://github.com/${repo.fullName}.git`,
    ssh_url: `git@github.com:${repo.fullName}.git`,
    svn_url: repo.htmlUrl,
    mirror_url: null,
    homepage: null,
    language: 'TypeScript',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 1,
    default_branch: repo.defaultBranch,
    open_issues: openIssues,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'public',
    license: null,
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    network_count: 0,
    subscribers_count: 0,
    ...(permissions ? { permissions } : {})
  }
}

export function commentJson(repo: RepoModel, comment: CommentRecord): Json {
  const url = `${repo.apiUrl}/issues/comments/${comment.id}`
  return {
    id: comment.id,
    node_id: nodeId('IC', comment.id),
    url,
    html_url: `${repo.htmlUrl}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${repo.apiUrl}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(repo.state, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: authorAssociation(repo, comment.user),
    reactions: reactionsJson(url)
  }
}

function reactionsJson(url: string): Json {
  const counts = {
    '+1': 0,
    '-1': 0,
    laugh: 0,
    confused: 0,
    heart: 0,
    hooray: 0,
    eyes: 0,
    rocket: 0
  }
  return { url: `${url}/reactions`, total_count: 0, ...counts }
}

function authorAssociation(repo: RepoModel, user: Identity): string {
  if (user.login === repo.owner) return 'OWNER'
  const permission = repo.permissionOf(user.login)
  return permission === 'none' ? 'NONE' : 'COLLABORATOR'
}

export function statusJson(repo: RepoModel, status: StatusRecord): Json {
  return {
    url: `${repo.apiUrl}/statuses/${status.sha}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${status.creator.id}?v=4`,
    id: status.id,
    node_id: nodeId('SC', status.id),
    state: status.state,
    description: status.description,
    target_url: status.targetUrl,
    context: status.context,
    created_at: status.createdAt,
    updated_at: status.createdAt,
    creator: userJson(repo.state, status.creator)
  }
}

export function labelJson(repo: RepoModel, label: LabelRecord): Json {
  return {
    id: label.id,
    node_id: nodeId('LA', label.id),
    url: `${repo.apiUrl}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    description: label.description,
    color: label.color,
    default: false
  }
}

export function issueEventJson(repo: RepoModel, event: IssueEventRecord): Json {
  return {
    id: event.id,
    node_id: nodeId('LE', event.id),
    url: `${repo.apiUrl}/issues/events/${event.id}`,
    actor: userJson(repo.state, event.actor),
    event: event.event,
    commit_id: null,
    commit_url: null,
    created_at: event.createdAt,
    performed_via_github_app: null,
    label: event.label
  }
}

function prRefJson(repo: RepoModel, ref: string, sha: string): Json {
  return {
    label: `${repo.owner}:${ref}`,
    ref,
    sha,
    user: userJson(repo.state, repo.state.user(repo.owner)),
    repo: repoJson(repo)
  }
}

function link(href: string): Json {
  return { href }
}

export function pullJson(repo: RepoModel, issue: IssueRecord): Json {
  const pull = issue.pull
  if (!pull) throw new Error(`#${issue.number} is not a pull request`)
  const url = `${repo.apiUrl}/pulls/${issue.number}`
  const issueUrl = `${repo.apiUrl}/issues/${issue.number}`
  const html = `${repo.htmlUrl}/pull/${issue.number}`
  return {
    url,
    id: issue.id,
    node_id: nodeId('PR', issue.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueUrl,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repo.apiUrl}/pulls/comments{/number}`,
    comments_url: `${issueUrl}/comments`,
    statuses_url: `${repo.apiUrl}/statuses/${pull.headSha}`,
    number: issue.number,
    state: issue.state,
    locked: false,
    title: issue.title,
    user: userJson(repo.state, issue.user),
    body: issue.body,
    labels: issue.labels.map(label => labelJson(repo, label)),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: prRefJson(pull.headRepo, pull.headRef, pull.headSha),
    base: prRefJson(repo, pull.baseRef, pull.baseSha),
    _links: {
      self: link(url),
      html: link(html),
      issue: link(issueUrl),
      comments: link(`${issueUrl}/comments`),
      review_comments: link(`${url}/comments`),
      review_comment: link(`${repo.apiUrl}/pulls/comments{/number}`),
      commits: link(`${url}/commits`),
      statuses: link(`${repo.apiUrl}/statuses/${pull.headSha}`)
    },
    author_association: authorAssociation(repo, issue.user),
    auto_merge: null,
    draft: pull.draft,
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: 'clean',
    merged_by: null,
    comments: issue.comments.length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1
  }
}

export function refJson(repo: RepoModel, ref: string, sha: string): Json {
  return {
    ref,
    node_id: nodeId('REF', `${repo.id}:${ref}`),
    url: `${repo.apiUrl}/git/${ref}`,
    object: { type: 'commit', sha, url: `${repo.apiUrl}/git/commits/${sha}` }
  }
}

export function gitCommitJson(repo: RepoModel, sha: string): Json {
  const commit = repo.git.commit(sha)
  if (!commit) throw new Error(`no commit ${sha}`)
  return {
    sha,
    node_id: nodeId('C', sha),
    url: `${repo.apiUrl}/git/commits/${sha}`,
    html_url: `${repo.htmlUrl}/commit/${sha}`,
    author: commit.author,
    committer: commit.committer,
    tree: { sha: commit.tree, url: `${repo.apiUrl}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map(parent => ({
      sha: parent,
      url: `${repo.apiUrl}/git/commits/${parent}`,
      html_url: `${repo.htmlUrl}/commit/${parent}`
    })),
    verification: unverified()
  }
}

function unverified(): Json {
  return { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null }
}

/** `git-tree`: top-level entries, or every entry below when `recursive`. */
export function treeJson(repo: RepoModel, sha: string, recursive: boolean): Json {
  const entries = recursive
    ? repo.git.walk(sha)
    : (repo.git.tree(sha) ?? []).map(entry => ({ ...entry, path: entry.name }))
  return {
    sha,
    url: `${repo.apiUrl}/git/trees/${sha}`,
    tree: entries.map(entry => treeEntryJson(repo, entry)),
    truncated: false
  }
}

function treeEntryJson(
  repo: RepoModel,
  entry: { path: string; mode: string; type: string; sha: string }
) {
  const kind = entry.type === 'tree' ? 'trees' : 'blobs'
  const size = entry.type === 'blob' ? { size: repo.git.blob(entry.sha)?.length ?? 0 } : {}
  const url = entry.type === 'commit' ? {} : { url: `${repo.apiUrl}/git/${kind}/${entry.sha}` }
  return { path: entry.path, mode: entry.mode, type: entry.type, sha: entry.sha, ...size, ...url }
}

export function blobJson(repo: RepoModel, sha: string, content: Buffer): Json {
  return {
    sha,
    node_id: nodeId('B', sha),
    url: `${repo.apiUrl}/git/blobs/${sha}`,
    size: content.length,
    content: wrappedBase64(content),
    encoding: 'base64'
  }
}

/** GitHub wraps base64 content at 60 characters per line. */
export function wrappedBase64(content: Buffer): string {
  const encoded = content.toString('base64')
  return encoded.length === 0 ? '' : `${encoded.match(/.{1,60}/g)?.join('\n')}\n`
}

/** REST `commit` (list commits, compare). */
export function commitJson(repo: RepoModel, sha: string): Json {
  const commit = repo.git.commit(sha)
  if (!commit) throw new Error(`no commit ${sha}`)
  const api = `${repo.apiUrl}/commits/${sha}`
  const login = commit.author.name
  return {
    sha,
    node_id: nodeId('C', sha),
    url: api,
    html_url: `${repo.htmlUrl}/commit/${sha}`,
    comments_url: `${api}/comments`,
    commit: {
      url: `${repo.apiUrl}/git/commits/${sha}`,
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${repo.apiUrl}/git/trees/${commit.tree}` },
      verification: unverified()
    },
    author: userJson(repo.state, repo.state.user(login)),
    committer: userJson(repo.state, repo.state.user(login)),
    parents: commit.parents.map(parent => ({
      sha: parent,
      url: `${repo.apiUrl}/commits/${parent}`,
      html_url: `${repo.htmlUrl}/commit/${parent}`
    }))
  }
}

/** `content-file` for a blob at `path`, as `GET /contents/{path}` returns it. */
export function contentEntryJson(
  repo: RepoModel,
  entry: { path: string; type: string; sha: string },
  ref: string,
  content?: Buffer
): Json {
  const type = entry.type === 'tree' ? 'dir' : entry.type === 'commit' ? 'submodule' : 'file'
  const self = `${repo.apiUrl}/contents/${entry.path}?ref=${encodeURIComponent(ref)}`
  const git = `${repo.apiUrl}/git/${type === 'dir' ? 'trees' : 'blobs'}/${entry.sha}`
  const html = `${repo.htmlUrl}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${entry.path}`
  const raw = `https://raw.githubusercontent.com/${repo.fullName}/${ref}/${entry.path}`
  return {
    type,
    name: entry.path.split('/').at(-1) ?? entry.path,
    path: entry.path,
    sha: entry.sha,
    size: type === 'file' ? (repo.git.blob(entry.sha)?.length ?? 0) : 0,
    url: self,
    html_url: html,
    git_url: git,
    download_url: type === 'file' ? raw : null,
    ...(content ? { content: wrappedBase64(content), encoding: 'base64' } : {}),
    _links: { self, git, html }
  }
}

export function artifactJson(repo: RepoModel, artifact: ArtifactRecord): Json {
  const run = repo.runs.get(artifact.runId)
  const url = `${repo.apiUrl}/actions/artifacts/${artifact.id}`
  return {
    id: artifact.id,
    node_id: nodeId('MDg6QXJ0aWZhY3Q', artifact.id),
    name: artifact.name,
    size_in_bytes: artifact.bytes.length,
    url,
    archive_download_url: `${url}/zip`,
    expired: artifact.expired,
    created_at: artifact.createdAt,
    updated_at: artifact.createdAt,
    expires_at: artifact.expiresAt,
    digest: null,
    workflow_run: run
      ? {
          id: run.id,
          repository_id: repo.id,
          head_repository_id: run.headRepo.id,
          head_branch: run.headBranch,
          head_sha: run.headSha
        }
      : null
  }
}

function pullMinimalJson(repo: RepoModel, number: number): Json | undefined {
  const pull = repo.issue(number)?.pull
  if (!pull) return undefined
  const side = (target: RepoModel, ref: string, sha: string) => ({
    ref,
    sha,
    repo: { id: target.id, url: target.apiUrl, name: target.name }
  })
  return {
    id: repo.issue(number)?.id,
    number,
    url: `${repo.apiUrl}/pulls/${number}`,
    head: side(pull.headRepo, pull.headRef, pull.headSha),
    base: side(repo, pull.baseRef, pull.baseSha)
  }
}

export function workflowRunJson(repo: RepoModel, run: WorkflowRunRecord): Json {
  const url = `${repo.apiUrl}/actions/runs/${run.id}`
  const headCommit = run.headRepo.git.commit(run.headSha) ?? repo.git.commit(run.headSha)
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WFR', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: '.github/workflows/ci.yml',
    display_title: run.name,
    run_number: run.runNumber,
    run_attempt: 1,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url,
    html_url: `${repo.htmlUrl}/actions/runs/${run.id}`,
    pull_requests: run.pullRequests.map(n => pullMinimalJson(repo, n)).filter(Boolean),
    created_at: run.createdAt,
    updated_at: run.createdAt,
    run_started_at: run.createdAt,
    actor: userJson(repo.state, run.actor),
    triggering_actor: userJson(repo.state, run.actor),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${repo.apiUrl}/check-suites/${run.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    workflow_url: `${repo.apiUrl}/actions/workflows/${run.workflowId}`,
    head_commit: headCommit
      ? {
          id: run.headSha,
          tree_id: headCommit.tree,
          message: headCommit.message,
          timestamp: headCommit.committer.date,
          author: { name: headCommit.author.name, email: headCommit.author.email },
          committer: { name: headCommit.committer.name, email: headCommit.committer.email }
        }
      : null,
    repository: minimalRepoJson(repo),
    head_repository: minimalRepoJson(run.headRepo)
  }
}

/** One entry of a PR's files listing (`diff-entry`); no patch: the fake does not diff text. */
export function diffEntryJson(
  repo: RepoModel,
  headSha: string,
  file: { path: string; sha: string | null; status: string }
): Json {
  const path = file.path.split('/').map(encodeURIComponent).join('/')
  return {
    sha: file.sha,
    filename: file.path,
    status: file.status,
    additions: 0,
    deletions: 0,
    changes: 0,
    blob_url: `${repo.htmlUrl}/blob/${headSha}/${path}`,
    raw_url: `${repo.htmlUrl}/raw/${headSha}/${path}`,
    contents_url: `${repo.apiUrl}/contents/${path}?ref=${headSha}`
  }
}
