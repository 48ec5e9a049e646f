/** Git Data API (refs, blobs, trees, commits), contents, commit history and compare. */
import type { GitObjectType, GitPerson, TreeChange } from './git-store.js'
import { paginate } from './pagination.js'
import {
  blobJson,
  commitJson,
  contentEntryJson,
  gitCommitJson,
  refJson,
  treeJson
} from './representations.js'
import type { RepoModel } from './repo-model.js'
import {
  access,
  ApiError,
  notFound,
  requireRepo,
  type ApiResponse,
  type HandlerContext,
  type Json,
  type Routes
} from './types.js'

/** GitHub stops inlining file content above 1 MB (`encoding: "none"`, empty content). */
const MAX_INLINE_CONTENT = 1024 * 1024

const created = (body: Json, location: string): ApiResponse => ({
  status: 201,
  body,
  headers: { location }
})

// ----- refs ------------------------------------------------------------------------------

// The URL takes `heads/x`; GitHub reads `refs/heads/x` there as `refs/refs/heads/x`, which
// does not exist. Not stripping the prefix reproduces that classic mistake faithfully.
function refName(ctx: HandlerContext): string {
  return `refs/${String(ctx.params.ref)}`
}

function branchOf(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined
}

function assertUnprotected(repo: RepoModel, ref: string): void {
  const branch = branchOf(ref)
  if (branch && repo.protectedBranches.has(branch)) {
    throw new ApiError(422, `Protected branch update failed for ${ref}.`)
  }
}

function requireCommitSha(repo: RepoModel, sha: unknown): string {
  if (typeof sha !== 'string' || !repo.git.has(sha, 'commit')) {
    throw new ApiError(422, 'Object does not exist')
  }
  return sha
}

const refRoutes: Routes = {
  'git/get-ref': {
    access: access.read('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const ref = refName(ctx)
      const sha = repo.refs.get(ref)
      if (!sha) throw notFound()
      return { status: 200, body: refJson(repo, ref, sha) }
    }
  },
  'git/list-matching-refs': {
    access: access.read('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const prefix = refName(ctx)
      const refs = [...repo.refs].filter(([name]) => name.startsWith(prefix)).sort()
      return { status: 200, body: refs.map(([name, sha]) => refJson(repo, name, sha)) }
    }
  },
  'git/create-ref': {
    access: access.write('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const ref = String(ctx.body.ref)
      if (!/^refs\/[^/]+\/.+/.test(ref)) {
        throw new ApiError(
          422,
          "Reference name must start with 'refs/' and have at least two slashes."
        )
      }
      const sha = requireCommitSha(repo, ctx.body.sha)
      if (repo.refs.has(ref)) throw new ApiError(422, 'Reference already exists')
      repo.refs.set(ref, sha)
      const json = refJson(repo, ref, sha)
      return created(json, String(json.url))
    }
  },
  'git/update-ref': {
    access: access.write('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const ref = refName(ctx)
      const current = repo.refs.get(ref)
      if (!current) throw new ApiError(422, 'Reference does not exist')
      const sha = requireCommitSha(repo, ctx.body.sha)
      assertUnprotected(repo, ref)
      if (ctx.body.force !== true && !repo.git.isAncestor(current, sha)) {
        throw new ApiError(422, 'Update is not a fast forward')
      }
      repo.refs.set(ref, sha)
      return { status: 200, body: refJson(repo, ref, sha) }
    }
  },
  'git/delete-ref': {
    access: access.write('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const ref = refName(ctx)
      if (!repo.refs.has(ref)) throw new ApiError(422, 'Reference does not exist')
      assertUnprotected(repo, ref)
      repo.refs.delete(ref)
      return { status: 204 }
    }
  }
}

// ----- blobs and trees -------------------------------------------------------------------

function decodeContent(content: string, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(content, 'base64')
  if (encoding === 'utf-8' || encoding === 'utf8') return Buffer.from(content, 'utf8')
  throw new ApiError(422, `encoding must be one of: utf-8, base64 (got ${encoding})`)
}

const TYPE_FOR_MODE: Record<string, GitObjectType> = {
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '040000': 'tree',
  '160000': 'commit'
}

function isMalformedPath(path: string): boolean {
  return path
    .split('/')
    .some(part => part === '' || part === '.' || part === '..' || part === '.git')
}

/** One createTree entry → a store change, writing `content` as a blob (GitHub does too). */
function toTreeChange(repo: RepoModel, item: Json, hasBase: boolean): TreeChange {
  const path = String(item.path)
  const mode = String(item.mode)
  const type = item.type as GitObjectType
  if (isMalformedPath(path))
    throw new ApiError(422, 'tree.path contains a malformed path component')
  if (TYPE_FOR_MODE[mode] !== type)
    throw new ApiError(422, `tree.mode ${mode} does not match type ${type}`)
  if (typeof item.content === 'string') {
    if (item.sha !== undefined)
      throw new ApiError(422, 'Must supply either tree.sha or tree.content, not both')
    return { path, mode, type, sha: repo.git.writeBlob(Buffer.from(item.content, 'utf8')) }
  }
  if (item.sha === null) {
    if (!hasBase) throw new ApiError(422, 'tree.sha null is only valid together with base_tree')
    return { path, mode, type, sha: null }
  }
  if (typeof item.sha !== 'string')
    throw new ApiError(422, 'Must supply either tree.sha or tree.content')
  if (type !== 'commit' && !repo.git.has(item.sha, type)) {
    throw new ApiError(422, `tree.sha ${item.sha} is not a valid ${type}`)
  }
  return { path, mode, type, sha: item.sha }
}

/** A tree sha, or anything that names a commit (sha, branch), resolved to its tree. */
function resolveTree(repo: RepoModel, name: string): string | undefined {
  if (repo.git.has(name, 'tree')) return name
  return repo.treeOf(name)
}

const objectRoutes: Routes = {
  'git/create-blob': {
    access: access.write('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const bytes = decodeContent(String(ctx.body.content), String(ctx.body.encoding ?? 'utf-8'))
      const sha = repo.git.writeBlob(bytes)
      const url = `${repo.apiUrl}/git/blobs/${sha}`
      return created({ url, sha }, url)
    }
  },
  'git/get-blob': {
    access: access.read('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const sha = String(ctx.params.file_sha)
      const content = repo.git.blob(sha)
      if (!content) throw notFound()
      return { status: 200, body: blobJson(repo, sha, content) }
    }
  },
  'git/create-tree': {
    access: access.write('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const baseName = ctx.body.base_tree as string | undefined
      const base = baseName ? resolveTree(repo, baseName) : undefined
      if (baseName && !base) throw new ApiError(422, `base_tree ${baseName} is not a valid tree`)
      const items = ctx.body.tree as Json[]
      const changes = items.map(item => toTreeChange(repo, item, base !== undefined))
      const sha = repo.git.buildTree(base, changes)
      const json = treeJson(repo, sha, false)
      return created(json, String(json.url))
    }
  },
  'git/get-tree': {
    access: access.read('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const sha = resolveTree(repo, String(ctx.params.tree_sha))
      if (!sha) throw notFound()
      // Docs: "Setting this parameter to any value returns the objects or subtrees".
      const recursive = ctx.query.recursive !== undefined
      return { status: 200, body: treeJson(repo, sha, recursive) }
    }
  }
}

// ----- commits ---------------------------------------------------------------------------

function personFrom(value: unknown, fallback: GitPerson): GitPerson {
  if (typeof value !== 'object' || value === null) return fallback
  const person = value as Partial<GitPerson>
  return {
    name: person.name ?? fallback.name,
    email: person.email ?? fallback.email,
    date: person.date
      ? new Date(person.date).toISOString().replace(/\.\d{3}Z$/, 'Z')
      : fallback.date
  }
}

function createCommit(ctx: HandlerContext, repo: RepoModel): string {
  const tree = String(ctx.body.tree)
  if (!repo.git.has(tree, 'tree')) throw new ApiError(422, 'Tree SHA does not exist')
  const parents = (ctx.body.parents as string[] | undefined) ?? []
  for (const parent of parents) {
    if (!repo.git.has(parent, 'commit')) {
      throw new ApiError(422, 'Parent SHA does not exist or is not a commit object')
    }
  }
  const author = personFrom(ctx.body.author, repo.person(ctx.identity.login))
  const committer = personFrom(ctx.body.committer, author)
  const message = String(ctx.body.message)
  return repo.git.writeCommit({ tree, parents, author, committer, message })
}

function commitFor(ctx: HandlerContext, repo: RepoModel, ref: string): string {
  const sha = repo.resolveCommit(ref)
  if (!sha) throw new ApiError(404, `No commit found for SHA: ${ref}`)
  return sha
}

// `path` filter of list-commits: keep commits that changed the entry at that path.
function touchesPath(repo: RepoModel, sha: string, path: string): boolean {
  const commit = repo.git.commit(sha)
  if (!commit) return false
  const entryAt = (tree: string | undefined) =>
    tree ? repo.git.lookup(tree, path)?.sha : undefined
  const parentTree = commit.parents[0] ? repo.git.commit(commit.parents[0])?.tree : undefined
  return entryAt(commit.tree) !== entryAt(parentTree)
}

const commitRoutes: Routes = {
  'git/create-commit': {
    access: access.write('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const json = gitCommitJson(repo, createCommit(ctx, repo))
      return created(json, String(json.url))
    }
  },
  'git/get-commit': {
    access: access.read('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const sha = String(ctx.params.commit_sha)
      if (!repo.git.has(sha, 'commit')) throw notFound()
      return { status: 200, body: gitCommitJson(repo, sha) }
    }
  },
  'repos/list-commits': {
    access: access.read('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const start = commitFor(ctx, repo, String(ctx.query.sha ?? repo.defaultBranch))
      const path = typeof ctx.query.path === 'string' ? ctx.query.path : undefined
      const history = repo.git.log(start).filter(sha => !path || touchesPath(repo, sha, path))
      const page = paginate(ctx, history)
      return {
        status: 200,
        body: page.items.map(sha => commitJson(repo, sha)),
        headers: page.headers
      }
    }
  },
  'repos/get-commit': {
    access: access.read('contents'),
    handle(ctx) {
      const repo = requireRepo(ctx)
      const sha = commitFor(ctx, repo, String(ctx.params.ref))
      return { status: 200, body: { ...commitJson(repo, sha), files: [] } }
    }
  },
  'repos/compare-commits-with-basehead': {
    access: access.read('contents'),
    handle: compare
  }
}

function compare(ctx: HandlerContext): ApiResponse {
  const repo = requireRepo(ctx)
  const [baseName, headName] = String(ctx.params.basehead).split(/\.{2,3}/)
  if (!baseName || !headName) throw notFound()
  const base = commitFor(ctx, repo, baseName)
  const head = commitFor(ctx, repo, headName)
  const mergeBase = repo.git.mergeBase(base, head)
  if (!mergeBase) throw new ApiError(404, `No common ancestor between ${baseName} and ${headName}.`)
  const fromBase = new Set(repo.git.ancestors(base))
  const fromHead = new Set(repo.git.ancestors(head))
  // GitHub lists the head-only commits oldest first.
  const ahead = repo.git
    .log(head)
    .filter(sha => !fromBase.has(sha))
    .reverse()
  const behindBy = [...fromBase].filter(sha => !fromHead.has(sha)).length
  const status =
    ahead.length === 0
      ? behindBy === 0
        ? 'identical'
        : 'behind'
      : behindBy === 0
        ? 'ahead'
        : 'diverged'
  const page = paginate(ctx, ahead)
  const html = `${repo.htmlUrl}/compare/${baseName}...${headName}`
  const body = {
    url: `${repo.apiUrl}/compare/${baseName}...${headName}`,
    html_url: html,
    permalink_url: `${repo.htmlUrl}/compare/${repo.owner}:${base.slice(0, 7)}...${repo.owner}:${head.slice(0, 7)}`,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    base_commit: commitJson(repo, base),
    merge_base_commit: commitJson(repo, mergeBase),
    status,
    ahead_by: ahead.length,
    behind_by: behindBy,
    total_commits: ahead.length,
    commits: page.items.map(sha => commitJson(repo, sha)),
    files: []
  }
  return { status: 200, body, headers: page.headers }
}

// ----- contents --------------------------------------------------------------------------

// `mediaType: { format: 'raw' }` in octokit sends `application/vnd.github.v3.raw`.
function wantsRaw(ctx: HandlerContext): boolean {
  return /application\/vnd\.github(\.v3)?\.raw/.test(String(ctx.headers.accept ?? ''))
}

function getContent(ctx: HandlerContext): ApiResponse {
  const repo = requireRepo(ctx)
  const ref = String(ctx.query.ref ?? repo.defaultBranch)
  const tree = repo.treeOf(ref)
  const path = String(ctx.params.path).replace(/^\/+|\/+$/g, '')
  const entry = tree ? repo.git.lookup(tree, path) : undefined
  if (!entry) throw notFound()
  if (entry.type === 'tree') {
    const children = repo.git.tree(entry.sha) ?? []
    const prefix = path ? `${path}/` : ''
    const body = children.map(c =>
      contentEntryJson(repo, { ...c, path: `${prefix}${c.name}` }, ref)
    )
    return { status: 200, body }
  }
  const content = repo.git.blob(entry.sha) ?? Buffer.alloc(0)
  if (wantsRaw(ctx)) {
    return { status: 200, raw: { contentType: 'text/plain; charset=utf-8', bytes: content } }
  }
  const file = contentEntryJson(repo, { ...entry, path }, ref, content)
  const body =
    content.length > MAX_INLINE_CONTENT ? { ...file, content: '', encoding: 'none' } : file
  return { status: 200, body }
}

export const gitRoutes: Routes = {
  ...refRoutes,
  ...objectRoutes,
  ...commitRoutes,
  'repos/get-content': { access: access.read('contents'), handle: getContent }
}
