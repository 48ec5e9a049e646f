// The rewrites of one Dockerfile as a unified diff that `git apply` (and `patch -p1`) take:
// `a/` and `b/` prefixes, three lines of context, hunks merged when their context touches,
// and the "\ No newline at end of file" marker when the file ends without one. Pure.

import type { InstructionRewrite } from './rewrite.js'

const CONTEXT = 3

interface Hunk {
  /** 0-based first old line and count. */
  oldStart: number
  oldCount: number
  newStart: number
  newCount: number
  lines: string[]
}

/** '' when there is nothing to change. `path` is relative to the repository root, with `/`. */
export function unifiedDiff(
  path: string,
  text: string,
  rewrites: readonly InstructionRewrite[]
): string {
  if (rewrites.length === 0) return ''
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const finalEol = text.endsWith(eol)
  const old = (finalEol ? text.slice(0, -eol.length) : text).split(/\r?\n/)
  const sorted = [...rewrites].sort((a, b) => a.line - b.line)
  const hunks: Hunk[] = []
  let delta = 0
  let previous: Hunk | undefined
  let previousEnd = 0
  for (const r of sorted) {
    const start = r.line - 1
    const end = r.endLine
    const from = Math.max(0, start - CONTEXT)
    let hunk: Hunk
    if (previous && from <= previousEnd + CONTEXT) {
      hunk = previous
      for (let i = previousEnd; i < start; i++) context(hunk, old, i, finalEol)
    } else {
      if (previous) closeHunk(previous, old, previousEnd, finalEol)
      hunk = { oldStart: from, oldCount: 0, newStart: from + delta, newCount: 0, lines: [] }
      hunks.push(hunk)
      for (let i = from; i < start; i++) context(hunk, old, i, finalEol)
    }
    for (let i = start; i < end; i++) {
      hunk.lines.push(`-${old[i]}`)
      if (i === old.length - 1 && !finalEol) hunk.lines.push('\\ No newline at end of file')
      hunk.oldCount++
    }
    r.after.forEach((line, k) => {
      hunk.lines.push(`+${line}`)
      if (end === old.length && k === r.after.length - 1 && !finalEol)
        hunk.lines.push('\\ No newline at end of file')
      hunk.newCount++
    })
    delta += r.after.length - (end - start)
    previous = hunk
    previousEnd = end
  }
  if (previous) closeHunk(previous, old, previousEnd, finalEol)
  const body = hunks.flatMap(h => [
    `@@ -${range(h.oldStart, h.oldCount)} +${range(h.newStart, h.newCount)} @@`,
    // A CRLF file's lines keep their CR in the diff, as git prints them.
    ...h.lines.map(l => (l.startsWith('\\') || eol !== '\r\n' ? l : `${l}\r`))
  ])
  return [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, ...body, ''].join(
    '\n'
  )
}

function context(h: Hunk, old: string[], i: number, finalEol: boolean): void {
  h.lines.push(` ${old[i]}`)
  if (i === old.length - 1 && !finalEol) h.lines.push('\\ No newline at end of file')
  h.oldCount++
  h.newCount++
}

function closeHunk(h: Hunk, old: string[], end: number, finalEol: boolean): void {
  for (let i = end; i < Math.min(old.length, end + CONTEXT); i++) context(h, old, i, finalEol)
}

/** `start,count` as diff prints it: 1-based, and the line before for an empty range. */
function range(start0: number, count: number): string {
  return count === 0 ? `${start0},0` : `${start0 + 1},${count}`
}
