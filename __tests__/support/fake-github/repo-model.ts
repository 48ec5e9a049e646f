/**
 * One repository's in-memory state plus the helpers tests use to seed and inspect it.
 * Handlers mutate the same records, so what a test seeds is exactly what the API serves.
 */
import { EMPTY_TREE_SHA, GitStore, type GitPerson, type TreeChange } from './git-store.js'
import type { DelayRule, FailRule } from './faults.js'
import type { FakeState, RepoOptions } from './state.js'
import type { Identity, Permission } from './types.js'

export interface CommentRecord {
  id: number
  issueNumber: number
  body: string
  user: Identity
  createdAt: string
  updatedAt: string
}

export interface LabelRecord {
  id: number
  name: string
  color: string
  description: string | null
}

export interface IssueEventRecord {
  id: number
  event: 'labeled' | 'unlabeled'
  actor: Identity
  label: { name: string; color: string }
  createdAt: string
}

export interface PullData {
  headRef: string
  headSha: string
  headRepo: RepoModel
  baseRef: string
  baseSha: string
  draft: boolean
}

export interface IssueRecord {
  id: number
  number: number
  title: string
  body: string | null
  user: Identity
  state: 'open' | 'closed'
  labels: LabelRecord[]
  comments: CommentRecord[]
  events: IssueEventRecord[]
  createdAt: string
  updatedAt: string
  pull?: PullData
}

export interface StatusRecord {
  id: number
  sha: string
  state: 'error' | 'failure' | 'pending' | 'success'
  description: string | null
  targetUrl: string | null
  context: string
  creator: Identity
  createdAt: string
}

export interface WorkflowRunRecord {
  id: number
  name: string
  runNumber: number
  workflowId: number
  headSha: string
  headBranch: string
  headRepo: RepoModel
  event: string
  status: string
  conclusion: string | null
  pullRequests: number[]
  actor: Identity
  createdAt: string
}

export interface ArtifactRecord {
  id: number
  runId: number
  name: string
  bytes: Buffer
  createdAt: string
  expiresAt: string
  expired: boolean
}

export interface PullRequestSeed {
  number?: number
  title?: string
  body?: string
  /** Author login (default `octocat`). */
  user?: string
  headRef?: string
  /** Head commit; a new commit on top of the base is created when absent. */
  headSha?: string
  /** `owner/repo` of a fork; the fork repository is created in the fake. */
  headRepo?: string
  baseRef?: string
  baseSha?: string
  labels?: string[]
  state?: 'open' | 'closed'
  draft?: boolean
}

export interface CommitSeed {
  message?: string
  parents?: string[]
  /** Tree sha; defaults to `files` written as a tree, else the empty tree. */
  tree?: string
  /** Convenience: path → UTF-8 content written on top of the first parent's tree. */
  files?: Record<string, string | null>
  author?: string
  /** Moves this branch to the new commit. */
  branch?: string
}

export interface WorkflowRunSeed {
  id?: number
  name?: string
  headSha?: string
  headBranch?: string
  /** `owner/repo` the run's head lives in (fork PRs); default this repo. */
  headRepo?: string
  event?: string
  status?: string
  conclusion?: string | null
  pullRequests?: number[]
  actor?: string
}

const LABEL_COLORS = ['d73a4a', '0075ca', 'cfd3d7', 'a2eeef', '7057ff', '008672', 'e4e669']

export class RepoModel {
  readonly id: number
  readonly git = new GitStore()
  /** Full ref name (`refs/heads/main`) → commit sha. */
  readonly refs = new Map<string, string>()
  readonly protectedBranches = new Set<string>()
  readonly issues = new Map<number, IssueRecord>()
  readonly statusRecords: StatusRecord[] = []
  readonly runs = new Map<number, WorkflowRunRecord>()
  readonly artifacts = new Map<number, ArtifactRecord>()
  /** Shas tests named without creating objects (PR heads); statuses may target them. */
  readonly externalShas = new Set<string>()
  readonly defaultBranch: string
  readonly fork: boolean
  readonly createdAt: string
  private readonly permissions = new Map<string, Permission>()
  private readonly repoLabels = new Map<string, LabelRecord>()
  private nextNumber = 1

  constructor(
    readonly state: FakeState,
    readonly owner: string,
    readonly name: string,
    options: RepoOptions = {}
  ) {
    this.id = state.nextId()
    this.defaultBranch = options.defaultBranch ?? 'main'
    this.fork = options.fork ?? false
    this.createdAt = state.tick()
    this.permissions.set(owner, 'admin')
    this.addCommit({ message: 'Initial commit', parents: [], branch: this.defaultBranch })
  }

  get fullName(): string {
    return `${this.owner}/${this.name}`
  }

  get apiUrl(): string {
    return `${this.state.baseUrl}/repos/${this.fullName}`
  }

  get htmlUrl(): string {
    return `https://github.com/${this.fullName}`
  }

  // ----- git -----------------------------------------------------------------------------

  person(login: string, date = this.state.tick()): GitPerson {
    const identity = this.state.user(login)
    return { name: login, email: `${identity.id}+${login}@users.noreply.github.com`, date }
  }

  /** Creates a commit (no tree needed: history-only commits use the empty tree). */
  addCommit(seed: CommitSeed = {}): string {
    const parents = seed.parents ?? this.parentsFor(seed.branch)
    const baseTree = parents[0] ? this.git.commit(parents[0])?.tree : undefined
    const tree = seed.tree ?? (seed.files ? this.writeFiles(baseTree, seed.files) : baseTree)
    const author = this.person(seed.author ?? this.owner)
    const sha = this.git.writeCommit({
      tree: tree ?? EMPTY_TREE_SHA,
      parents,
      author,
      committer: author,
      message: seed.message ?? 'commit'
    })
    if (seed.branch) this.setBranch(seed.branch, sha)
    return sha
  }

  private parentsFor(branch: string | undefined): string[] {
    const tip = branch ? this.getBranch(branch) : undefined
    return tip ? [tip] : []
  }

  /** Writes UTF-8 files (null deletes) over a base tree, returning the new tree sha. */
  writeFiles(baseTree: string | undefined, files: Record<string, string | null>): string {
    const changes: TreeChange[] = Object.entries(files).map(([path, content]) => ({
      path,
      mode: '100644',
      type: 'blob',
      sha: content === null ? null : this.git.writeBlob(Buffer.from(content, 'utf8'))
    }))
    return this.git.buildTree(baseTree, changes)
  }

  setBranch(name: string, sha: string): void {
    this.refs.set(`refs/heads/${name}`, sha)
  }

  getBranch(name: string): string | undefined {
    return this.refs.get(`refs/heads/${name}`)
  }

  deleteBranch(name: string): void {
    this.refs.delete(`refs/heads/${name}`)
  }

  /** Makes ref updates of this branch fail like GitHub's branch protection. */
  protectBranch(name: string): void {
    this.protectedBranches.add(name)
  }

  /** Resolves a branch, tag, full ref or commit sha to a commit sha. */
  resolveCommit(ref: string): string | undefined {
    const candidates = [ref, `refs/heads/${ref}`, `refs/tags/${ref}`, `refs/${ref}`]
    for (const name of candidates) {
      const sha = this.refs.get(name)
      if (sha) return sha
    }
    if (this.git.has(ref, 'commit')) return ref
    return /^[0-9a-f]{7,39}$/.test(ref) ? this.git.findCommit(ref) : undefined
  }

  /** A commit this repository knows about: stored, or named by a test as a PR/run head. */
  knowsCommit(sha: string): boolean {
    return this.git.has(sha, 'commit') || this.externalShas.has(sha)
  }

  readFile(ref: string, path: string): string | undefined {
    const tree = this.treeOf(ref)
    const entry = tree ? this.git.lookup(tree, path) : undefined
    return entry?.type === 'blob' ? this.git.blob(entry.sha)?.toString('utf8') : undefined
  }

  listFiles(ref: string): string[] {
    const tree = this.treeOf(ref)
    return tree
      ? this.git
          .walk(tree)
          .filter(e => e.type === 'blob')
          .map(e => e.path)
      : []
  }

  /** What a PR's files listing shows: blobs that differ between two commits, by path. */
  changedFiles(
    baseSha: string,
    headSha: string
  ): Array<{ path: string; sha: string | null; status: 'added' | 'removed' | 'modified' }> {
    const blobs = (ref: string) => {
      const tree = this.treeOf(ref)
      const entries = tree ? this.git.walk(tree).filter(e => e.type === 'blob') : []
      return new Map(entries.map(e => [e.path, e.sha]))
    }
    const base = blobs(baseSha)
    const head = blobs(headSha)
    const out: Array<{
      path: string
      sha: string | null
      status: 'added' | 'removed' | 'modified'
    }> = []
    for (const [path, sha] of head) {
      const before = base.get(path)
      if (before === undefined) out.push({ path, sha, status: 'added' })
      else if (before !== sha) out.push({ path, sha, status: 'modified' })
    }
    for (const [path, sha] of base) if (!head.has(path)) out.push({ path, sha, status: 'removed' })
    return out.sort((a, b) => a.path.localeCompare(b.path))
  }

  treeOf(ref: string): string | undefined {
    const sha = this.resolveCommit(ref)
    return sha ? this.git.commit(sha)?.tree : undefined
  }

  // ----- people --------------------------------------------------------------------------

  setPermission(login: string, permission: Permission): void {
    this.state.user(login)
    this.permissions.set(login, permission)
  }

  permissionOf(login: string): Permission {
    return this.permissions.get(login) ?? 'none'
  }

  // ----- issues, pull requests, comments, labels -----------------------------------------

  addIssue(seed: { title?: string; body?: string; user?: string } = {}): number {
    return this.createIssue(seed).number
  }

  private createIssue(
    seed: { number?: number; title?: string; body?: string; user?: string },
    kind = 'Issue'
  ) {
    const number = seed.number ?? this.nextNumber
    if (this.issues.has(number)) throw new Error(`#${number} already exists in ${this.fullName}`)
    this.nextNumber = Math.max(this.nextNumber, number + 1)
    const now = this.state.tick()
    const issue: IssueRecord = {
      id: this.state.nextId(),
      number,
      title: seed.title ?? `${kind} ${number}`,
      body: seed.body ?? null,
      user: this.state.user(seed.user ?? 'octocat'),
      state: 'open',
      labels: [],
      comments: [],
      events: [],
      createdAt: now,
      updatedAt: now
    }
    this.issues.set(number, issue)
    return issue
  }

  /** Seeds a pull request; returns its number and the head/base shas it points at. */
  addPullRequest(seed: PullRequestSeed = {}) {
    const baseRef = seed.baseRef ?? this.defaultBranch
    const baseSha = seed.baseSha ?? this.getBranch(baseRef) ?? this.addCommit({ branch: baseRef })
    const headRepo = seed.headRepo ? this.forkFrom(seed.headRepo) : this
    const headRef = seed.headRef ?? `feature-${this.nextNumber}`
    const headSha = seed.headSha ?? this.addCommit({ parents: [baseSha], message: 'PR change' })
    if (!this.git.has(headSha)) this.externalShas.add(headSha)
    if (headRepo === this && !this.getBranch(headRef)) this.setBranch(headRef, headSha)
    const issue = this.createIssue(seed, 'Pull request')
    issue.state = seed.state ?? 'open'
    const draft = seed.draft ?? false
    issue.pull = { headRef, headSha, headRepo, baseRef, baseSha, draft }
    this.refs.set(`refs/pull/${issue.number}/head`, headSha)
    for (const label of seed.labels ?? []) this.attachLabel(issue, label)
    return { number: issue.number, headSha, baseSha, headRef, baseRef }
  }

  private forkFrom(fullName: string): RepoModel {
    const [owner, name] = fullName.split('/')
    return this.state.repo(owner, name, { fork: true, defaultBranch: this.defaultBranch })
  }

  issue(number: number): IssueRecord | undefined {
    return this.issues.get(number)
  }

  private requireIssue(number: number): IssueRecord {
    const issue = this.issues.get(number)
    if (!issue) throw new Error(`${this.fullName} has no issue or pull request #${number}`)
    return issue
  }

  /** Seeds a comment (e.g. by another user) and returns its id. */
  addComment(issueNumber: number, seed: { user?: string; body: string }): number {
    const author = seed.user ? this.state.user(seed.user) : this.state.user('octocat')
    return this.createComment(this.requireIssue(issueNumber), author, seed.body).id
  }

  createComment(issue: IssueRecord, user: Identity, body: string): CommentRecord {
    const now = this.state.tick()
    const comment = {
      id: this.state.nextId(),
      issueNumber: issue.number,
      body,
      user,
      createdAt: now,
      updatedAt: now
    }
    issue.comments.push(comment)
    return comment
  }

  findComment(id: number): CommentRecord | undefined {
    for (const issue of this.issues.values()) {
      const comment = issue.comments.find(c => c.id === id)
      if (comment) return comment
    }
    return undefined
  }

  deleteComment(id: number): boolean {
    for (const issue of this.issues.values()) {
      const index = issue.comments.findIndex(c => c.id === id)
      if (index >= 0) return issue.comments.splice(index, 1).length > 0
    }
    return false
  }

  /** Comments of an issue/PR as tests want to read them. */
  comments(issueNumber: number) {
    return this.requireIssue(issueNumber).comments.map(c => ({
      id: c.id,
      body: c.body,
      user: c.user.login,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt
    }))
  }

  /** Applies (or removes, with `event: 'unlabeled'`) a label and records the issue event. */
  addLabelEvent(
    issueNumber: number,
    seed: { label: string; actor: string; color?: string; event?: 'labeled' | 'unlabeled' }
  ): void {
    const issue = this.requireIssue(issueNumber)
    const label = this.label(seed.label, seed.color)
    const event = seed.event ?? 'labeled'
    if (event === 'labeled') this.attachLabel(issue, seed.label)
    else issue.labels = issue.labels.filter(l => l.name !== label.name)
    issue.events.push({
      id: this.state.nextId(),
      event,
      actor: this.state.user(seed.actor),
      label: { name: label.name, color: label.color },
      createdAt: this.state.tick()
    })
  }

  labels(issueNumber: number): string[] {
    return this.requireIssue(issueNumber).labels.map(l => l.name)
  }

  private attachLabel(issue: IssueRecord, name: string): void {
    if (!issue.labels.some(l => l.name === name)) issue.labels.push(this.label(name))
  }

  private label(name: string, color?: string): LabelRecord {
    let label = this.repoLabels.get(name)
    if (!label) {
      const fallback = LABEL_COLORS[this.repoLabels.size % LABEL_COLORS.length]
      label = { id: this.state.nextId(), name, color: color ?? fallback, description: null }
      this.repoLabels.set(name, label)
    }
    return label
  }

  // ----- statuses --------------------------------------------------------------------------

  /** Statuses posted for a sha, newest first (the API's order). */
  statuses(sha: string) {
    return this.statusRecords
      .filter(s => s.sha === sha)
      .reverse()
      .map(s => ({
        state: s.state,
        context: s.context,
        description: s.description,
        targetUrl: s.targetUrl,
        creator: s.creator.login
      }))
  }

  // ----- actions -------------------------------------------------------------------------

  addWorkflowRun(seed: WorkflowRunSeed = {}): number {
    const id = seed.id ?? this.state.nextId()
    const headSha = seed.headSha ?? this.getBranch(this.defaultBranch) ?? ''
    if (!this.git.has(headSha)) this.externalShas.add(headSha)
    this.runs.set(id, {
      id,
      name: seed.name ?? 'CI',
      runNumber: this.runs.size + 1,
      workflowId: 161335,
      headSha,
      headBranch: seed.headBranch ?? this.defaultBranch,
      headRepo: seed.headRepo ? this.forkFrom(seed.headRepo) : this,
      event: seed.event ?? 'pull_request',
      status: seed.status ?? 'completed',
      conclusion: seed.conclusion === undefined ? 'success' : seed.conclusion,
      pullRequests: seed.pullRequests ?? [],
      actor: this.state.user(seed.actor ?? 'octocat'),
      createdAt: this.state.tick()
    })
    return id
  }

  /** Attaches a zip artifact to a run (the run is created when unknown); returns its id. */
  addArtifact(runId: number, name: string, bytes: Uint8Array, options: { expired?: boolean } = {}) {
    if (!this.runs.has(runId)) this.addWorkflowRun({ id: runId })
    const id = this.state.nextId()
    const createdAt = this.state.tick()
    const expiresAt = new Date(Date.parse(createdAt) + 90 * 86400_000).toISOString()
    this.artifacts.set(id, {
      id,
      runId,
      name,
      bytes: Buffer.from(bytes),
      createdAt,
      expiresAt: expiresAt.replace(/\.\d{3}Z$/, 'Z'),
      expired: options.expired ?? false
    })
    return id
  }

  // ----- fault injection scoped to this repository ---------------------------------------

  failNext(rule: FailRule): void {
    this.state.faults.failNext(rule, `/repos/${this.fullName}`)
  }

  delayNext(rule: DelayRule): void {
    this.state.faults.delayNext(rule, `/repos/${this.fullName}`)
  }
}
