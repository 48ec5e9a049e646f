// Baselines in a local directory (CLI `--baseline-dir`), same layout as the data branch.
// Every file is written to a temporary name and renamed, so a crash or a concurrent reader
// never sees half a file; a lost index update (two processes at once) heals on the next put.

import { mkdir, readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../files.js'
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
  README_PATH,
  reconcileIndex,
  serializeIndex,
  upsertEntry,
  type BaselineStore,
  type IndexEntry,
  type IndexFile
} from './store.js'
import { silentLog, type Log } from '../model.js'

export const DEFAULT_BASELINE_DIR = '.image-size-guard'

const LOCAL_README = `# image-size-guard baselines

Written by \`image-size-guard\` (\`--baseline-dir\`): one baseline per image, platform and commit
in \`baselines/<image>/<platform>/<commit sha>.json\`, and \`index.json\` listing them (rebuilt
from \`baselines/\` when missing, so deleting it is safe). Delete the directory to start over.
`

export class LocalBaselineStore implements BaselineStore {
  constructor(
    readonly dir: string,
    private readonly log: Log = silentLog
  ) {}

  async get(name: string, platform: string, sha: string): Promise<Baseline | undefined> {
    const path = baselinePath(name, platform, sha)
    const text = await this.read(path)
    return text === undefined ? undefined : this.parseOrWarn(text, path)
  }

  async history(name: string, platform: string, limit: number): Promise<IndexEntry[]> {
    const index = await this.readIndex(false)
    const entries = index ? entriesOf(index, name, platform) : []
    if (entries.length > 0) return entries.slice(0, limit)
    const dir = `${BASELINES_DIR}/${imageKey(name, platform)}`
    const found: IndexEntry[] = []
    for (const file of await this.list(dir)) {
      const text = await this.read(file)
      const baseline = text === undefined ? undefined : this.parseOrWarn(text, file)
      if (baseline) found.push(indexEntryOf(baseline, file))
    }
    return newestFirst(found).slice(0, limit)
  }

  async put(baseline: Baseline): Promise<void> {
    const path = baselinePath(baseline.name, baseline.platform, baseline.sha)
    const text = baselineText(baseline)
    await this.ensureRoot()
    await this.refuseUnreadable(path)
    await this.writeAtomic(path, text)
    const index = (await this.readIndex(true)) ?? emptyIndex()
    const healed = await reconcileIndex(
      index,
      (await this.listAll()).filter(p => p !== path),
      async p => {
        const text = await this.read(p)
        return text === undefined ? undefined : this.parseOrWarn(text, p)
      },
      Number.POSITIVE_INFINITY
    )
    await this.writeAtomic(INDEX_PATH, serializeIndex(upsertEntry(healed.index, baseline, path)))
    this.log.info(`Recorded the baseline ${join(this.dir, path)}`)
  }

  private async refuseUnreadable(path: string): Promise<void> {
    const text = await this.read(path)
    if (text !== undefined)
      refuseUnreadable(text, this.where(path), `delete ${join(this.dir, path)}`)
  }

  /** undefined when missing or unreadable; `forWrite` refuses to replace a newer index. */
  private async readIndex(forWrite: boolean): Promise<IndexFile | undefined> {
    const text = await this.read(INDEX_PATH)
    if (text === undefined) return undefined
    try {
      return parseIndex(text, this.where(INDEX_PATH))
    } catch (e) {
      if (e instanceof NewerSchemaError && forWrite) {
        throw new Error(`${e.message}. Not overwriting it.`)
      }
      if (!(e instanceof BaselineFormatError || e instanceof NewerSchemaError)) throw e
      this.log.warning(`${e.message}; ${forWrite ? 'rebuilding it' : 'listing the files instead'}`)
      return undefined
    }
  }

  private parseOrWarn(text: string, path: string): Baseline | undefined {
    try {
      return parseBaseline(text, this.where(path))
    } catch (e) {
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
    return join(this.dir, path)
  }

  private async read(path: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.dir, path), 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new Error(`cannot read ${this.where(path)}: ${(e as Error).message}`)
    }
  }

  /** Relative paths of the `.json` files directly in `dir`. */
  private async list(dir: string): Promise<string[]> {
    try {
      const names = await readdir(join(this.dir, dir))
      return names.filter(n => n.endsWith('.json')).map(n => `${dir}/${n}`)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new Error(`cannot list ${this.where(dir)}: ${(e as Error).message}`)
    }
  }

  /** Every `baselines/<name>/<platform>/<file>.json`. */
  private async listAll(): Promise<string[]> {
    const out: string[] = []
    for (const name of await this.subdirs(BASELINES_DIR)) {
      for (const platform of await this.subdirs(`${BASELINES_DIR}/${name}`)) {
        out.push(...(await this.list(`${BASELINES_DIR}/${name}/${platform}`)))
      }
    }
    return out
  }

  private async subdirs(dir: string): Promise<string[]> {
    try {
      const entries = await readdir(join(this.dir, dir), { withFileTypes: true })
      return entries.filter(e => e.isDirectory()).map(e => e.name)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new Error(`cannot list ${this.where(dir)}: ${(e as Error).message}`)
    }
  }

  private async ensureRoot(): Promise<void> {
    const exists = await stat(this.dir).then(
      s => s.isDirectory(),
      () => false
    )
    if (exists) return
    try {
      await mkdir(this.dir, { recursive: true })
      await this.writeAtomic(README_PATH, LOCAL_README)
    } catch (e) {
      throw new Error(
        `cannot create the baseline directory ${this.dir} (\`--baseline-dir\`): ${(e as Error).message}`
      )
    }
  }

  private async writeAtomic(path: string, text: string): Promise<void> {
    const target = join(this.dir, path)
    await writeFileAtomic(target, text, `cannot write ${target} (\`--baseline-dir\`)`)
  }
}
