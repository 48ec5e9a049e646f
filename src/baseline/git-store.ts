// Baselines in a data branch of the repository, written only through the Git Data API
// (blobs, trees, commits, refs): no checkout, no git CLI, no force-push. Git objects are
// immutable, so nothing is visible until the final fast-forward ref update; when another
// job moved the branch first, the write is rebuilt on the new tip and retried.

import { DEFAULT_DATA_BRANCH } from '../constants.js'
import { apiFailure, apiMessage, httpStatus, type Octokit } from '../github-api.js'
import {
  baselinePath,
  BaselineFormatError,
  imageKey,
  NewerSchemaError,
  parseBaseline,
  refuseUnreadable,
  type Baseline
} from './schema.js'
import {
  BASELINES_DIR,
  baselineText,
  emptyIndex,
  entriesOf,
  INDEX_PATH,
  indexEntryOf,
  newestFirst,
  parseIndex,
  pruneIndex,
  README_PATH,
  README_TEXT,
  reconcileIndex,
  serializeIndex,
  upsertEntry,
  type BaselineStore,
  type IndexEntry,
  type IndexFile
} from './store.js'
import { silentLog, type Log } from '../model.js'

export { DEFAULT_DATA_BRANCH }

export interface GitStoreOptions {
  octokit: Octokit
  owner: string
  repo: string
  /** Input `data-branch`. */
  branch?: string
  log?: Log
  /** Attempts of a write that keeps losing the race (default 20). */
  maxAttempts?: number
  /** Base of the exponential backoff between attempts, in ms (default 500). */
  backoffMs?: number
  /** Longest wait between two attempts, before jitter, in ms (default 15 s). */
  maxBackoffMs?: number
  /** Larger index files are uploaded as a blob rather than inline (default 1 MiB). */
  inlineIndexMax?: number
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Baseline files read back per write (or per history call) when the index is incomplete. */
  healLimit?: number
}

interface Tip {
  commit: string
  tree: string
}

interface TreeItem {
  path: string
  type: string
  sha: string
}

/** The branch as one consistent snapshot: what a write builds on. */
interface Snapshot {
  tip: Tip
  /** Every blob under baselines/, path → blob sha. */
  files: Map<string, string>
  index: IndexFile
  indexHealthy: boolean
}

/** Enough for twenty writers starting at once (each round, at least one of them wins). */
export const DEFAULT_ATTEMPTS = 20

/** What a write keeps: the last `keep` per image and platform, plus the `protect`ed commits. */
export interface Retention {
  /** 0 keeps everything. */
  keep: number
  /** Commits still needed (open pull requests' bases): never removed. */
  protect: ReadonlySet<string>
}

export interface WriteResult {
  /** Baseline files the write removed (retention). */
  removed: string[]
}

function commitMessage(baselines: Baseline[], removed: number): string {
  const first = baselines[0]
  const what =
    baselines.length === 1 ? `${first.name} (${first.platform})` : `${baselines.length} baselines`
  const shas = [...new Set(baselines.map(b => b.sha.slice(0, 7)))].join(', ')
  const pruned = removed > 0 ? `, remove ${removed} old` : ''
  return `Record ${what} at ${shas}${pruned} [skip ci]`
}

const sleepFor = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

/** Input `data-branch`: a plain branch name git and GitHub accept. */
export function checkBranchName(branch: string): string {
  const ok =
    /^[A-Za-z0-9._/-]+$/.test(branch) &&
    !/(^[-/.]|\/\/|\.\.|\/\.|[/.]$|\.lock$|\.lock\/)/.test(branch) &&
    branch.length <= 200
  if (!ok) {
    throw new Error(
      `input \`data-branch\`: "${branch.slice(0, 100)}" is not a usable branch name (letters, digits, \`._/-\`; no \`..\`)`
    )
  }
  return branch
}

export class GitBaselineStore implements BaselineStore {
  readonly branch: string
  private readonly octokit: Octokit
  private readonly owner: string
  private readonly repo: string
  private readonly log: Log
  private readonly maxAttempts: number
  private readonly backoffMs: number
  private readonly maxBackoffMs: number
  private readonly inlineIndexMax: number
  private readonly sleep: (ms: number) => Promise<void>
  private readonly random: () => number
  private readonly healLimit: number

  constructor(opts: GitStoreOptions) {
    this.octokit = opts.octokit
    this.owner = opts.owner
    this.repo = opts.repo
    this.branch = checkBranchName(opts.branch ?? DEFAULT_DATA_BRANCH)
    this.log = opts.log ?? silentLog
    this.maxAttempts = opts.maxAttempts ?? DEFAULT_ATTEMPTS
    this.backoffMs = opts.backoffMs ?? 500
    this.maxBackoffMs = opts.maxBackoffMs ?? 15_000
    this.inlineIndexMax = opts.inlineIndexMax ?? 1024 * 1024
    this.sleep = opts.sleep ?? sleepFor
    this.random = opts.random ?? Math.random
    this.healLimit = opts.healLimit ?? 100
  }

  /** Baseline files this run found but could not read (see unreadable()). */
  private readonly unreadablePaths = new Set<string>()

  // ----- reading ---------------------------------------------------------------------------

  async get(name: string, platform: string, sha: string): Promise<Baseline | undefined> {
    const path = baselinePath(name, platform, sha)
    // Straight from the branch, not via the index: the index may be stale.
    const text = await this.readFile(path)
    return text === undefined ? undefined : this.parseOrWarn(text, path)
  }

  async history(name: string, platform: string, limit: number): Promise<IndexEntry[]> {
    const text = await this.readFile(INDEX_PATH)
    if (text !== undefined) {
      try {
        const entries = entriesOf(parseIndex(text, this.where(INDEX_PATH)), name, platform)
        // No entry may mean a stale index: the listing below is cheap when there is nothing.
        if (entries.length > 0) return entries.slice(0, limit)
      } catch (e) {
        if (!(e instanceof BaselineFormatError || e instanceof NewerSchemaError)) throw e
        this.log.warning(`${e.message}; listing the stored baselines instead`)
      }
    }
    return this.historyFromFiles(name, platform, limit)
  }

  private async historyFromFiles(name: string, platform: string, limit: number) {
    const dir = `${BASELINES_DIR}/${imageKey(name, platform)}`
    const listing = await this.listDirectory(dir)
    const entries: IndexEntry[] = []
    for (const item of listing.slice(0, this.healLimit)) {
      const baseline = await this.readBlobBaseline(item.sha, item.path)
      if (baseline) entries.push(indexEntryOf(baseline, item.path))
    }
    if (listing.length > this.healLimit) {
      this.log.warning(
        `${this.where(INDEX_PATH)} is missing: read ${this.healLimit} of ${listing.length} baselines; the next recording rebuilds the index`
      )
    }
    return newestFirst(entries).slice(0, limit)
  }

  private async listDirectory(dir: string): Promise<TreeItem[]> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({
        owner: this.owner,
        repo: this.repo,
        path: dir,
        ref: this.branch
      })
      if (!Array.isArray(data)) return []
      return data
        .filter(d => d.type === 'file' && d.name.endsWith('.json'))
        .map(d => ({ path: d.path, type: 'blob', sha: d.sha }))
    } catch (e) {
      if (httpStatus(e) === 404) return []
      throw apiFailure(
        e,
        `listing baselines in the data branch \`${this.branch}\``,
        'contents: read'
      )
    }
  }

  /** A file of the branch tip as text; undefined when the branch or the file is missing. */
  private async readFile(path: string): Promise<string | undefined> {
    try {
      const { data } = await this.octokit.rest.repos.getContent({
        owner: this.owner,
        repo: this.repo,
        path,
        ref: this.branch,
        mediaType: { format: 'raw' }
      })
      return rawText(data)
    } catch (e) {
      if (httpStatus(e) === 404) return undefined
      throw apiFailure(e, `reading ${this.where(path)}`, 'contents: read')
    }
  }

  private async readBlob(sha: string, path: string): Promise<string> {
    try {
      const { data } = await this.octokit.rest.git.getBlob({
        owner: this.owner,
        repo: this.repo,
        file_sha: sha
      })
      return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString(
        'utf8'
      )
    } catch (e) {
      throw apiFailure(e, `reading ${this.where(path)}`, 'contents: read')
    }
  }

  unreadable(name: string, platform: string): boolean {
    const dir = `${BASELINES_DIR}/${imageKey(name, platform)}/`
    return [...this.unreadablePaths].some(p => p.startsWith(dir))
  }

  private async readBlobBaseline(sha: string, path: string): Promise<Baseline | undefined> {
    return this.parseOrWarn(await this.readBlob(sha, path), path)
  }

  /** Corrupt or newer files are reported and treated as absent: a reader never crashes on them. */
  private parseOrWarn(text: string, path: string): Baseline | undefined {
    try {
      return parseBaseline(text, this.where(path))
    } catch (e) {
      if (e instanceof NewerSchemaError || e instanceof BaselineFormatError)
        this.unreadablePaths.add(path)
      if (e instanceof NewerSchemaError) {
        this.log.warning(e.message)
        return undefined
      }
      if (e instanceof BaselineFormatError) {
        this.log.warning(`${e.message}; treating that commit as having no baseline`)
        return undefined
      }
      throw e
    }
  }

  private where(path: string): string {
    return `${path} on the data branch \`${this.branch}\``
  }

  // ----- writing ---------------------------------------------------------------------------

  async put(baseline: Baseline): Promise<void> {
    await this.putAll([baseline])
  }

  /**
   * Stores several baselines in ONE commit (the aggregate job of a matrix records every leg
   * at once, so its writers do not race) and, with `retention`, removes the baselines it no
   * longer keeps in that same commit. When another writer moved the branch first, the write
   * is rebuilt on the new tip — re-reading the branch and merging its index — and retried.
   */
  async putAll(baselines: Baseline[], retention?: Retention): Promise<WriteResult> {
    if (baselines.length === 0) return { removed: [] }
    const items = baselines.map(b => ({
      baseline: b,
      path: baselinePath(b.name, b.platform, b.sha),
      text: baselineText(b)
    }))
    const blobs = new Map<string, string>()
    for (let attempt = 1; ; attempt++) {
      const snapshot = await this.snapshot()
      for (const item of items) await this.refuseUnreadable(snapshot, item.path)
      for (const item of items) {
        if (!blobs.has(item.path))
          blobs.set(item.path, await this.write(() => this.createBlob(item.text)))
      }
      const { index, removed } = await this.nextIndex(snapshot, items, retention)
      const commit = await this.write(() =>
        this.commitOnTip(
          snapshot.tip,
          items.map(i => ({ path: i.path, blob: blobs.get(i.path) ?? '' })),
          removed.filter(p => snapshot.files.has(p)),
          index,
          commitMessage(baselines, removed.length)
        )
      )
      if (await this.publish(commit)) {
        for (const item of items) {
          this.log.info(`Recorded the baseline ${item.path} on \`${this.branch}\``)
        }
        if (removed.length > 0) {
          this.log.info(
            `Removed ${removed.length} old baseline(s) from \`${this.branch}\` (keeping the last ${retention?.keep} per image and platform, and those of open pull requests' bases)`
          )
        }
        return { removed }
      }
      if (attempt >= this.maxAttempts) {
        throw new Error(
          `recording the baseline on the data branch \`${this.branch}\` failed: other jobs kept updating it at the same time (${attempt} attempts); re-run the job`
        )
      }
      const wait = this.backoff(attempt)
      this.log.info(
        `\`${this.branch}\` moved while recording (attempt ${attempt}); re-reading it and retrying in ${wait} ms`
      )
      await this.sleep(wait)
    }
  }

  /**
   * Exponential up to a cap, with ±50 % jitter so racing writers spread out: ~0.5, 1, 2, 4,
   * 8, 15, 15… s. Twenty writers need up to twenty rounds; the defaults allow that.
   */
  private backoff(attempt: number): number {
    const base = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** (attempt - 1))
    return Math.round(base * (0.5 + this.random()))
  }

  private async write<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step()
    } catch (e) {
      throw this.writeFailure(e)
    }
  }

  private writeFailure(e: unknown): Error {
    const message = apiMessage(e)
    if (httpStatus(e) === 422 && /protected branch|rule violation|ruleset/i.test(message)) {
      return new Error(
        `recording the baseline failed: the data branch \`${this.branch}\` is protected (${message}). ` +
          `image-size-guard only adds commits to it through the API and cannot satisfy branch rules: ` +
          `exempt that branch from protection, or set the \`data-branch\` input to an unprotected branch`
      )
    }
    return apiFailure(
      e,
      `recording the baseline on the data branch \`${this.branch}\``,
      'contents: write'
    )
  }

  private async refuseUnreadable(snapshot: Snapshot, path: string): Promise<void> {
    const existing = snapshot.files.get(path)
    if (!existing) return
    refuseUnreadable(
      await this.readBlob(existing, path),
      this.where(path),
      `delete that file on \`${this.branch}\``
    )
  }

  private async nextIndex(
    snapshot: Snapshot,
    items: Array<{ baseline: Baseline; path: string }>,
    retention?: Retention
  ): Promise<{ index: IndexFile; removed: string[] }> {
    const writing = new Set(items.map(i => i.path))
    const files = [...snapshot.files.keys()].filter(p => !writing.has(p))
    const healed = await reconcileIndex(
      snapshot.index,
      files,
      p => this.readBlobBaseline(snapshot.files.get(p) ?? '', p),
      this.healLimit
    )
    if (healed.added > 0 || healed.dropped > 0 || !snapshot.indexHealthy) {
      this.log.info(
        `Rebuilt ${INDEX_PATH} of \`${this.branch}\` from the stored baselines (${healed.added} added, ${healed.dropped} dropped${healed.pending ? `, ${healed.pending} left for later runs` : ''})`
      )
    }
    let index = healed.index
    for (const item of items) index = upsertEntry(index, item.baseline, item.path)
    if (!retention) return { index, removed: [] }
    return pruneIndex(index, retention.keep, retention.protect)
  }

  private async commitOnTip(
    tip: Tip,
    files: Array<{ path: string; blob: string }>,
    removed: string[],
    index: IndexFile,
    message: string
  ): Promise<string> {
    const { owner, repo } = this
    const tree = await this.octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: tip.tree,
      tree: [
        ...files.map(f => ({
          path: f.path,
          mode: '100644' as const,
          type: 'blob' as const,
          sha: f.blob
        })),
        // `sha: null` deletes the path from the base tree.
        ...removed.map(path => ({
          path,
          mode: '100644' as const,
          type: 'blob' as const,
          sha: null
        })),
        await this.indexEntry(index)
      ]
    })
    const commit = await this.octokit.rest.git.createCommit({
      owner,
      repo,
      // [skip ci]: a push made with a PAT would otherwise start workflows on this branch.
      message,
      tree: tree.data.sha,
      parents: [tip.commit]
    })
    return commit.data.sha
  }

  /**
   * The index inline in the tree request while small; a large one (many images × many
   * commits: 6 MB for 50 × 500) goes up as its own blob, as the blob API is made for.
   */
  private async indexEntry(index: IndexFile) {
    const text = serializeIndex(index)
    const entry = { path: INDEX_PATH, mode: '100644' as const, type: 'blob' as const }
    if (Buffer.byteLength(text) <= this.inlineIndexMax) return { ...entry, content: text }
    return { ...entry, sha: await this.createBlob(text) }
  }

  /** Fast-forwards the branch to `commit`; false when another writer moved it first. */
  private async publish(commit: string): Promise<boolean> {
    try {
      await this.octokit.rest.git.updateRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${this.branch}`,
        sha: commit,
        force: false
      })
      return true
    } catch (e) {
      const message = apiMessage(e)
      if (httpStatus(e) === 422 && /fast.forward|reference does not exist/i.test(message)) {
        return false
      }
      throw this.writeFailure(e)
    }
  }

  private async createBlob(text: string): Promise<string> {
    const { data } = await this.octokit.rest.git.createBlob({
      owner: this.owner,
      repo: this.repo,
      content: text,
      encoding: 'utf-8'
    })
    return data.sha
  }

  // ----- the snapshot a write builds on ----------------------------------------------------

  private async snapshot(): Promise<Snapshot> {
    const tip = (await this.readTip()) ?? (await this.createBranch())
    const root = await this.tree(tip.tree, false)
    const baselinesTree = root.find(e => e.path === BASELINES_DIR && e.type === 'tree')
    const indexBlob = root.find(e => e.path === INDEX_PATH && e.type === 'blob')
    const files = baselinesTree ? await this.listBaselines(baselinesTree.sha) : new Map()
    const { index, healthy } = await this.readIndex(indexBlob?.sha)
    return { tip, files, index, indexHealthy: healthy }
  }

  private async readIndex(
    sha: string | undefined
  ): Promise<{ index: IndexFile; healthy: boolean }> {
    if (!sha) return { index: emptyIndex(), healthy: false }
    try {
      return {
        index: parseIndex(await this.readBlob(sha, INDEX_PATH), this.where(INDEX_PATH)),
        healthy: true
      }
    } catch (e) {
      if (e instanceof NewerSchemaError) throw new Error(`${e.message}. Not overwriting it.`)
      if (!(e instanceof BaselineFormatError)) throw e
      this.log.warning(`${e.message}; rebuilding it`)
      return { index: emptyIndex(), healthy: false }
    }
  }

  /** Every blob below `baselines/`, by full path; walks level by level if GitHub truncates. */
  private async listBaselines(treeSha: string): Promise<Map<string, string>> {
    const files = new Map<string, string>()
    const { items, truncated } = await this.treeListing(treeSha, true)
    if (!truncated) {
      for (const e of items) if (e.type === 'blob') files.set(`${BASELINES_DIR}/${e.path}`, e.sha)
      return files
    }
    for (const name of await this.tree(treeSha, false)) {
      if (name.type !== 'tree') continue
      for (const platform of await this.tree(name.sha, false)) {
        if (platform.type !== 'tree') continue
        for (const file of await this.tree(platform.sha, false)) {
          if (file.type === 'blob') {
            files.set(`${BASELINES_DIR}/${name.path}/${platform.path}/${file.path}`, file.sha)
          }
        }
      }
    }
    return files
  }

  private async tree(sha: string, recursive: boolean): Promise<TreeItem[]> {
    return (await this.treeListing(sha, recursive)).items
  }

  private async treeListing(sha: string, recursive: boolean) {
    try {
      const { data } = await this.octokit.rest.git.getTree({
        owner: this.owner,
        repo: this.repo,
        tree_sha: sha,
        ...(recursive ? { recursive: 'true' } : {})
      })
      const items = data.tree
        .filter(e => e.path !== undefined && e.sha !== undefined && e.type !== undefined)
        .map(e => ({ path: e.path as string, type: e.type as string, sha: e.sha as string }))
      return { items, truncated: data.truncated }
    } catch (e) {
      throw apiFailure(e, `reading the data branch \`${this.branch}\``, 'contents: read')
    }
  }

  private async readTip(): Promise<Tip | undefined> {
    let commit: string
    try {
      const { data } = await this.octokit.rest.git.getRef({
        owner: this.owner,
        repo: this.repo,
        ref: `heads/${this.branch}`
      })
      commit = data.object.sha
    } catch (e) {
      if (httpStatus(e) === 404) return undefined
      throw apiFailure(e, `reading the data branch \`${this.branch}\``, 'contents: read')
    }
    try {
      const { data } = await this.octokit.rest.git.getCommit({
        owner: this.owner,
        repo: this.repo,
        commit_sha: commit
      })
      return { commit, tree: data.tree.sha }
    } catch (e) {
      throw apiFailure(e, `reading the data branch \`${this.branch}\``, 'contents: read')
    }
  }

  /** An orphan commit with the README and an empty index; a concurrent creator wins politely. */
  private async createBranch(): Promise<Tip> {
    const { owner, repo } = this
    const { commit, tree } = await this.write(async () => {
      const t = await this.octokit.rest.git.createTree({
        owner,
        repo,
        tree: [
          { path: README_PATH, mode: '100644', type: 'blob', content: README_TEXT },
          { path: INDEX_PATH, mode: '100644', type: 'blob', content: serializeIndex(emptyIndex()) }
        ]
      })
      const c = await this.octokit.rest.git.createCommit({
        owner,
        repo,
        message: `Create the image-size-guard data branch [skip ci]`,
        tree: t.data.sha,
        parents: []
      })
      return { commit: c.data.sha, tree: t.data.sha }
    })
    try {
      await this.octokit.rest.git.createRef({
        owner,
        repo,
        ref: `refs/heads/${this.branch}`,
        sha: commit
      })
      this.log.info(`Created the data branch \`${this.branch}\` for baselines`)
      return { commit, tree }
    } catch (e) {
      if (httpStatus(e) === 422 && /already exists/i.test(apiMessage(e))) {
        const tip = await this.readTip()
        if (tip) return tip
      }
      throw this.writeFailure(e)
    }
  }
}

/** The `raw` media type arrives as text, bytes, or (JSON content type) already parsed. */
export function rawText(data: unknown): string {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  if (ArrayBuffer.isView(data)) {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')
  }
  return JSON.stringify(data)
}
