// History entries of the image config, normalised and mapped onto layers.

import type { HistoryItem } from '../image/types.js'
import type { HistoryEntry } from '../model.js'

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

// A shell prefix anywhere after the build-arg pairs (values may hold spaces, so counting
// pairs is not enough to find where they end).
const SHELL_AFTER_ARGS =
  /(?:^|\s)(?:\/(?:usr\/)?bin\/)?(?:sh|bash|ash|dash)(?:\s+-o\s+\S+|\s+-[a-z]+)*?\s+-c\s+/

/**
 * Removes `|N K=V K=V ` (N pairs). A value may hold spaces (`NPM_TOKEN=a b c`): everything
 * before the shell prefix is dropped, so no residue of a value is left in front of the
 * command. Without a shell prefix (an exec-form RUN) the `KEY=` words are counted off.
 */
function stripArgPrefix(s: string): string {
  const m = ARG_PREFIX.exec(s)
  if (!m) return s
  let rest = s.slice(m[0].length)
  const shell = SHELL_AFTER_ARGS.exec(rest)
  if (shell) return rest.slice(shell.index + (shell[0].length - shell[0].trimStart().length))
  // Pairs already removed (withoutBuildArgs) leave the count high: only `KEY=` words go.
  for (let n = Number(m[1]); n > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest); n--) {
    const space = rest.indexOf(' ')
    if (space < 0) return rest
    rest = rest.slice(space + 1)
  }
  return rest
}

/**
 * `created_by` without any `KEY=value` of the build args that were passed, matched exactly
 * (spaces included), before anything else reads it: build-arg values are often tokens, and
 * history text reaches the comment, the summary, the artifact and the data branch, where the
 * runner's secret masking does not reach.
 */
export function withoutBuildArgs(
  createdBy: string | undefined,
  buildArgs: Record<string, string> | undefined
): string | undefined {
  if (createdBy === undefined || !buildArgs) return createdBy
  let out = createdBy
  // Longest first: `A=xy` before `A=x` when both were somehow passed.
  const pairs = Object.entries(buildArgs)
    .map(([k, v]) => `${k}=${v}`)
    .sort((a, b) => b.length - a.length)
  for (const pair of pairs) if (pair.length > 1) out = out.split(pair).join('')
  return out
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
