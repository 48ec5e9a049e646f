/**
 * A git object database in memory: blobs, trees and commits hashed exactly like git
 * (`sha1("<type> <size>\0" + body)`), so shas match what `git hash-object` would print and
 * code under test can compare them with real checkouts.
 */
import { createHash } from 'node:crypto'

export type GitObjectType = 'blob' | 'tree' | 'commit'

/** A tree entry as the REST API shows it (mode `040000` for trees, `100644` for files…). */
export interface TreeEntry {
  name: string
  mode: string
  type: GitObjectType
  sha: string
}

export interface GitPerson {
  name: string
  email: string
  /** ISO 8601, second precision. */
  date: string
}

export interface CommitData {
  tree: string
  parents: string[]
  author: GitPerson
  committer: GitPerson
  message: string
}

/** One change for `buildTree`: `sha: null` deletes the path. */
export interface TreeChange {
  path: string
  mode: string
  type: GitObjectType
  sha: string | null
}

interface StoredObject {
  type: GitObjectType
  body: Buffer
  tree?: TreeEntry[]
  commit?: CommitData
}

export const EMPTY_TREE_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'

function hashObject(type: GitObjectType, body: Buffer): string {
  const header = Buffer.from(`${type} ${body.length}\0`)
  return createHash('sha1').update(header).update(body).digest('hex')
}

// git sorts tree entries bytewise, comparing a subtree's name as if it ended with '/'.
function treeSortKey(entry: TreeEntry): Buffer {
  return Buffer.from(entry.type === 'tree' ? `${entry.name}/` : entry.name)
}

function serializeTree(entries: TreeEntry[]): Buffer {
  const parts = entries.map(entry => {
    const mode = entry.mode.replace(/^0+/, '')
    return Buffer.concat([Buffer.from(`${mode} ${entry.name}\0`), Buffer.from(entry.sha, 'hex')])
  })
  return Buffer.concat(parts)
}

function formatPerson(person: GitPerson): string {
  const seconds = Math.floor(Date.parse(person.date) / 1000)
  return `${person.name} <${person.email}> ${seconds} +0000`
}

function serializeCommit(commit: CommitData): Buffer {
  const lines = [`tree ${commit.tree}`, ...commit.parents.map(p => `parent ${p}`)]
  lines.push(`author ${formatPerson(commit.author)}`, `committer ${formatPerson(commit.committer)}`)
  return Buffer.from(`${lines.join('\n')}\n\n${commit.message}`)
}

export class GitStore {
  private readonly objects = new Map<string, StoredObject>()

  constructor() {
    this.writeTree([])
  }

  has(sha: string, type?: GitObjectType): boolean {
    const object = this.objects.get(sha)
    return object !== undefined && (type === undefined || object.type === type)
  }

  typeOf(sha: string): GitObjectType | undefined {
    return this.objects.get(sha)?.type
  }

  writeBlob(content: Buffer): string {
    return this.put({ type: 'blob', body: content })
  }

  writeTree(entries: TreeEntry[]): string {
    const sorted = [...entries].sort((a, b) => Buffer.compare(treeSortKey(a), treeSortKey(b)))
    return this.put({ type: 'tree', body: serializeTree(sorted), tree: sorted })
  }

  writeCommit(commit: CommitData): string {
    return this.put({ type: 'commit', body: serializeCommit(commit), commit })
  }

  /** Resolves an abbreviated commit sha when it is unambiguous. */
  findCommit(prefix: string): string | undefined {
    const matches = [...this.objects.entries()].filter(
      ([sha, object]) => object.type === 'commit' && sha.startsWith(prefix)
    )
    return matches.length === 1 ? matches[0][0] : undefined
  }

  blob(sha: string): Buffer | undefined {
    const object = this.objects.get(sha)
    return object?.type === 'blob' ? object.body : undefined
  }

  tree(sha: string): TreeEntry[] | undefined {
    return this.objects.get(sha)?.tree
  }

  commit(sha: string): CommitData | undefined {
    return this.objects.get(sha)?.commit
  }

  /** Applies changes on top of `baseTree` (or an empty tree); nested paths build subtrees. */
  buildTree(baseTree: string | undefined, changes: TreeChange[]): string {
    return this.applyChanges(baseTree, changes, true) ?? EMPTY_TREE_SHA
  }

  /** All entries below a tree, depth first, with paths relative to it. */
  walk(treeSha: string, prefix = ''): Array<TreeEntry & { path: string }> {
    const result: Array<TreeEntry & { path: string }> = []
    for (const entry of this.tree(treeSha) ?? []) {
      const path = `${prefix}${entry.name}`
      result.push({ ...entry, path })
      if (entry.type === 'tree') result.push(...this.walk(entry.sha, `${path}/`))
    }
    return result
  }

  /** The entry at `path` inside a tree ('' is the tree itself). */
  lookup(treeSha: string, path: string): TreeEntry | undefined {
    const parts = path.split('/').filter(Boolean)
    let current: TreeEntry = { name: '', mode: '040000', type: 'tree', sha: treeSha }
    for (const part of parts) {
      if (current.type !== 'tree') return undefined
      const next = this.tree(current.sha)?.find(entry => entry.name === part)
      if (!next) return undefined
      current = next
    }
    return current
  }

  /** Every commit reachable from `sha` (inclusive), in breadth-first order. */
  ancestors(sha: string): string[] {
    const seen = new Set<string>()
    const queue = [sha]
    while (queue.length > 0) {
      const current = queue.shift() as string
      if (seen.has(current) || !this.has(current, 'commit')) continue
      seen.add(current)
      queue.push(...(this.commit(current)?.parents ?? []))
    }
    return [...seen]
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    return this.ancestors(descendant).includes(ancestor)
  }

  /** `git log <sha>` order: all reachable commits, newest committer date first. */
  log(sha: string): string[] {
    const reachable = this.ancestors(sha)
    const order = new Map(reachable.map((s, index) => [s, index]))
    const time = (s: string) => Date.parse(this.commit(s)?.committer.date ?? '')
    return reachable.sort((a, b) => time(b) - time(a) || (order.get(a) ?? 0) - (order.get(b) ?? 0))
  }

  /** The best common ancestor (like `git merge-base`), newest first on ties. */
  mergeBase(a: string, b: string): string | undefined {
    const fromB = new Set(this.ancestors(b))
    const common = this.log(a).filter(sha => fromB.has(sha))
    return common.find(candidate =>
      common.every(other => other === candidate || !this.isAncestor(candidate, other))
    )
  }

  private put(object: StoredObject): string {
    const sha = hashObject(object.type, object.body)
    if (!this.objects.has(sha)) this.objects.set(sha, object)
    return sha
  }

  private applyChanges(
    treeSha: string | undefined,
    changes: TreeChange[],
    isRoot: boolean
  ): string | undefined {
    const entries = new Map((treeSha ? (this.tree(treeSha) ?? []) : []).map(e => [e.name, e]))
    const nested = new Map<string, TreeChange[]>()
    for (const change of changes) {
      const [head, ...rest] = change.path.split('/')
      if (rest.length > 0) {
        nested.set(head, [...(nested.get(head) ?? []), { ...change, path: rest.join('/') }])
      } else if (change.sha === null) {
        entries.delete(head)
      } else {
        entries.set(head, { name: head, mode: change.mode, type: change.type, sha: change.sha })
      }
    }
    for (const [name, subChanges] of nested) this.applyNested(entries, name, subChanges)
    // git has no empty directories: a subtree whose last entry was deleted disappears.
    if (entries.size === 0 && !isRoot) return undefined
    return this.writeTree([...entries.values()])
  }

  private applyNested(entries: Map<string, TreeEntry>, name: string, changes: TreeChange[]) {
    const existing = entries.get(name)
    const base = existing?.type === 'tree' ? existing.sha : undefined
    const sha = this.applyChanges(base, changes, false)
    if (sha === undefined) entries.delete(name)
    else entries.set(name, { name, mode: '040000', type: 'tree', sha })
  }
}
