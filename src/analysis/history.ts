// History entries of the image config, normalised and mapped onto layers.

import type { HistoryItem } from '../image/types.js'
import type { HistoryEntry } from './report.js'

export const MISSING = '(missing)'

/** Dockerfile keywords that legacy `#(nop)` history rows and BuildKit rows start with. */
const KEYWORDS =
  /^(ADD|ARG|CMD|COPY|ENTRYPOINT|ENV|EXPOSE|HEALTHCHECK|LABEL|MAINTAINER|ONBUILD|RUN|SHELL|STOPSIGNAL|USER|VOLUME|WORKDIR)\b/

// `/bin/sh -c`, `/bin/bash -o pipefail -c`, `sh -c`: the shell prefix a RUN gets.
const SHELL_PREFIX =
  /^(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash)(?:\s+-o\s+\S+|\s+-[a-z]+)*?\s+-c\s+/

// Build-arg prefix on RUN rows: `|2 A=1 B=2 ` (legacy builder and BuildKit).
const ARG_PREFIX = /^\|(\d+)\s+/

/**
 * Normalises a history `created_by` so the same Dockerfile instruction reads the same
 * whatever the builder: strips `/bin/sh -c`, `#(nop)`, BuildKit's `|N K=V` build-arg
 * prefix and `# buildkit` suffix, and prefixes shell commands with `RUN`.
 */
export function normaliseCreatedBy(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') return MISSING
  let s = raw.replace(/\s+/g, ' ').trim()
  s = s.replace(/\s*# buildkit$/, '')
  let isRun = false
  if (s.startsWith('RUN ')) {
    isRun = true
    s = s.slice(4)
  }
  s = stripArgPrefix(s)
  const nop = /^(?:\/bin\/sh -c )?#\(nop\)\s*/.exec(s)
  if (nop) return s.slice(nop[0].length).trim()
  const shell = SHELL_PREFIX.exec(s)
  if (shell) return `RUN ${s.slice(shell[0].length).trim()}`
  if (isRun) return `RUN ${s}`
  if (KEYWORDS.test(s)) return s
  // An exec-form RUN from the legacy builder (`/bin/busybox --install`) has no marker.
  return `RUN ${s}`
}

/** Removes `|N K=V K=V ` (N pairs; values may not contain spaces in this format). */
function stripArgPrefix(s: string): string {
  const m = ARG_PREFIX.exec(s)
  if (!m) return s
  let rest = s.slice(m[0].length)
  for (let n = Number(m[1]); n > 0; n--) {
    const space = rest.indexOf(' ')
    if (space < 0) return rest
    rest = rest.slice(space + 1)
  }
  return rest
}

/**
 * Maps history rows onto layers: each row without `empty_layer` takes the next layer.
 * Tolerates short history (layers get `(missing)`) and long history (extra rows stay
 * without a layer).
 */
export function mapHistory(
  items: HistoryItem[] | undefined,
  layerCount: number
): { history: HistoryEntry[]; layerHistory: (number | undefined)[] } {
  const history: HistoryEntry[] = []
  const layerHistory: (number | undefined)[] = new Array(layerCount).fill(undefined)
  let next = 0
  for (const item of items ?? []) {
    const entry: HistoryEntry = {
      createdBy: normaliseCreatedBy(item.created_by),
      emptyLayer: item.empty_layer === true
    }
    if (item.created) entry.created = item.created
    if (item.comment) entry.comment = item.comment
    if (!entry.emptyLayer && next < layerCount) {
      entry.layerIndex = next
      layerHistory[next] = history.length
      next++
    }
    history.push(entry)
  }
  return { history, layerHistory }
}

export function instructionOf(history: HistoryEntry[], historyIndex: number | undefined): string {
  return historyIndex === undefined ? MISSING : history[historyIndex].createdBy
}
