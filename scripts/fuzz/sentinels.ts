// A backstop for "never writes outside its temp dir" that does not depend on the fs hooks:
// directories listed before the run and re-listed during it. The harness's own directories must
// not gain anything but case sandboxes; shared ones (/tmp, the repository, $HOME) must not gain
// anything named with the escape marker every hostile path carries. Other new names there are
// reported as notices (another process on the machine may have made them).

import { readdirSync } from 'node:fs'
import { ESCAPE } from './mutations/kit.js'

interface Watched {
  dir: string
  /** Any new name is a violation unless `allow` accepts it. */
  strict: boolean
  allow?: (name: string) => boolean
  before: Set<string>
}

function list(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir))
  } catch {
    return new Set()
  }
}

export class Sentinels {
  private readonly watched: Watched[] = []
  private readonly noticed = new Set<string>()

  strict(dir: string, allow?: (name: string) => boolean): this {
    this.watched.push({ dir, strict: true, before: list(dir), ...(allow ? { allow } : {}) })
    return this
  }

  shared(dir: string): this {
    this.watched.push({ dir, strict: false, before: list(dir) })
    return this
  }

  /** New names since the start: violations, and notices (each reported once). */
  check(): { violations: string[]; notices: string[] } {
    const violations: string[] = []
    const notices: string[] = []
    for (const w of this.watched) {
      for (const name of list(w.dir)) {
        if (w.before.has(name) || w.allow?.(name)) continue
        const path = `${w.dir}/${name}`
        if (w.strict || name.toLowerCase().includes(ESCAPE)) violations.push(path)
        else if (!this.noticed.has(path)) {
          this.noticed.add(path)
          notices.push(path)
        }
      }
    }
    return { violations, notices }
  }

  dirs(): string[] {
    return this.watched.map(w => `${w.dir}${w.strict ? ' (strict)' : ''}`)
  }
}
