// Small text helpers for fix messages: instructions are quoted shortened, in backticks.

import { formatBytes } from '../../units.js'

const WIDTH = 72

/** `RUN apt-get update && apt-get install -y …` — one line, at most WIDTH characters. */
export function shortInstruction(instruction: string, width = WIDTH): string {
  const one = instruction.replace(/\s+/g, ' ').trim().replace(/`/g, "'")
  return one.length <= width ? one : `${one.slice(0, width - 1).trimEnd()}…`
}

/** `` `RUN pip install …` `` or a neutral phrase when the instruction is unknown. */
export function quoted(
  instruction: string | undefined,
  fallback = 'the instruction that made the layer'
): string {
  return instruction ? `\`${shortInstruction(instruction)}\`` : fallback
}

/** ` in `RUN …`` or nothing. */
export function inInstruction(instruction: string | undefined): string {
  return instruction ? ` in ${quoted(instruction)}` : ''
}

export function isRun(instruction: string | undefined): boolean {
  return instruction?.startsWith('RUN ') === true
}

export function isCopy(instruction: string | undefined): boolean {
  return /^(COPY|ADD) /.test(instruction ?? '')
}

export function bytes(n: number): string {
  return formatBytes(n)
}

/** `a (1 MB), b (2 MB) and 3 more`. */
export function listWithSizes(items: { path: string; bytes: number }[], shown = 4): string {
  const head = items.slice(0, shown).map(i => `${i.path} (${formatBytes(i.bytes)})`)
  const more = items.length - shown
  if (more > 0) return `${head.join(', ')} and ${more} more`
  if (head.length <= 1) return head.join('')
  return `${head.slice(0, -1).join(', ')} and ${head[head.length - 1]}`
}

/** `/root/.cache/pip` from a display path list, or the fallback. */
export function firstPath(paths: { path: string }[], fallback: string): string {
  return paths[0]?.path ?? fallback
}
