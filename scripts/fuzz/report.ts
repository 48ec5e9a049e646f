// The session's figures: a console summary, and the block of docs/reliability.md between the
// `fuzz-figures` markers (rewritten by `--report`).

import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem, type as osType, release } from 'node:os'
import type { Counts, Summary } from './session.js'
import { FAILURE_OUTCOMES, OUTCOMES, type Outcome } from './types.js'

export const START_MARKER = '<!-- fuzz-figures:start -->'
export const END_MARKER = '<!-- fuzz-figures:end -->'

const LABEL: Record<Outcome, string> = {
  valid: 'valid report',
  'clear-error': 'clear error',
  crash: 'crash',
  hang: 'hang',
  memory: 'memory',
  bad: 'bad (unclear error / insane result)',
  'wrote-outside': 'wrote outside its temp dir',
  'read-outside': 'read outside its input'
}

function total(c: Counts): number {
  return OUTCOMES.reduce((n, o) => n + c[o], 0)
}

function failures(c: Counts): number {
  return OUTCOMES.filter(o => FAILURE_OUTCOMES.has(o)).reduce((n, o) => n + c[o], 0)
}

export function failed(s: Summary): boolean {
  return failures(s.outcomes) > 0
}

export function machine(): string {
  const cpu = cpus()
  const model = cpu[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU'
  return `${cpu.length} cores (${model}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${osType()} ${release()}, Node ${process.version}`
}

function rate(s: Summary): string {
  return (s.cases / (s.elapsedMs / 1000)).toFixed(1)
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`
}

function table(title: string, rows: Record<string, Counts>, sort = false): string[] {
  const names = Object.keys(rows).filter(k => total(rows[k]) > 0)
  if (sort) names.sort()
  return [
    row([title, 'inputs', 'valid', 'clear error', 'crash', 'hang', 'memory', 'bad', 'outside']),
    row(['---', '--:', '--:', '--:', '--:', '--:', '--:', '--:', '--:']),
    ...names.map(n => {
      const c = rows[n]
      return row([
        n,
        total(c),
        c.valid,
        c['clear-error'],
        c.crash,
        c.hang,
        c.memory,
        c.bad,
        c['wrote-outside'] + c['read-outside']
      ])
    })
  ]
}

/** Markdown for docs/reliability.md. */
export function figuresBlock(s: Summary, command: string): string {
  const unused = Object.entries(s.byMutation)
    .filter(([, c]) => total(c) === 0)
    .map(([n]) => n)
  const lines = [
    START_MARKER,
    '',
    `- **Date:** ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    `- **Machine:** ${machine()}; ${s.workers} worker threads`,
    `- **Command:** \`${command}\` (run seed ${s.runSeed})`,
    `- **Time:** ${s.seconds} s asked, ${(s.elapsedMs / 1000).toFixed(0)} s taken (seed building included)`,
    `- **Inputs tried:** ${s.cases} (${rate(s)} inputs/s); slowest input ${(s.slowestMs / 1000).toFixed(1)} s; peak RSS of the harness ${s.peakRssMb.toFixed(0)} MB`,
    `- **Crashes: ${s.outcomes.crash}. Hangs: ${s.outcomes.hang}.** Memory: ${s.outcomes.memory}. Bad: ${s.outcomes.bad}. Wrote outside: ${s.outcomes['wrote-outside']}. Read outside: ${s.outcomes['read-outside']}.`,
    '',
    row(['outcome', 'inputs']),
    row(['---', '--:']),
    ...OUTCOMES.map(o => row([LABEL[o], s.outcomes[o]])),
    '',
    '**Per layout** (the seed the input was made from; `generated` = the streamed million-entry archives):',
    '',
    ...table('layout', s.byLayout, true),
    '',
    '**Per entry point:**',
    '',
    ...table('mode', s.byMode, true),
    '',
    '**Per mutation group** (an input counts once in each group it has a mutation of):',
    '',
    ...table('group', s.byGroup, true),
    '',
    '**Million-entry inputs:**',
    '',
    ...(s.heavy.length === 0
      ? ['(none this run)']
      : s.heavy.map(
          h =>
            `- ${h.mutations}: ${h.outcome} in ${(h.ms / 1000).toFixed(1)} s${h.peakMb ? `, peak ${h.peakMb.toFixed(0)} MB heap+external` : ''}`
        )),
    '',
    '<details><summary>Per mutation</summary>',
    '',
    ...table('mutation', s.byMutation),
    '',
    unused.length > 0
      ? `Not drawn this run: ${unused.join(', ')}.`
      : 'Every mutation was drawn at least once.',
    '',
    '</details>',
    '',
    ...failureLines(s),
    END_MARKER
  ]
  return lines.join('\n')
}

function failureLines(s: Summary): string[] {
  if (s.failures.length === 0) return ['No failing input.', '']
  const byKey = new Map<string, number>()
  for (const f of s.failures) {
    const key = `${f.outcome}: ${f.detail.replace(/\d+/g, 'N').slice(0, 160)}`
    byKey.set(key, (byKey.get(key) ?? 0) + 1)
  }
  return [
    '**Failures** (grouped by message):',
    '',
    ...[...byKey].map(([k, n]) => `- ${n} x ${k}`),
    ''
  ]
}

export function updateDocs(path: string, block: string): void {
  const text = readFileSync(path, 'utf8')
  const start = text.indexOf(START_MARKER)
  const end = text.indexOf(END_MARKER)
  if (start < 0 || end < start)
    throw new Error(`${path} has no ${START_MARKER} … ${END_MARKER} block`)
  writeFileSync(path, text.slice(0, start) + block + text.slice(end + END_MARKER.length))
}

/** The console summary. */
export function consoleSummary(s: Summary): string {
  const lines = [
    '',
    `fuzz: ${s.cases} inputs in ${(s.elapsedMs / 1000).toFixed(0)} s (${rate(s)}/s), run seed ${s.runSeed}`,
    ...OUTCOMES.map(o => `  ${LABEL[o].padEnd(40)} ${s.outcomes[o]}`),
    '',
    ...table('layout', s.byLayout, true),
    '',
    ...table('mode', s.byMode, true),
    '',
    ...table('group', s.byGroup, true),
    '',
    ...table('mutation', s.byMutation),
    ''
  ]
  if (s.heavy.length > 0)
    lines.push(
      'million-entry inputs:',
      ...s.heavy.map(h => `  ${h.mutations}: ${h.outcome} (${(h.ms / 1000).toFixed(1)} s)`),
      ''
    )
  if (s.notices.length > 0)
    lines.push(
      `new files seen in shared directories (not ours?): ${s.notices.slice(0, 10).join(', ')}`
    )
  if (s.harnessErrors > 0)
    lines.push(`HARNESS ERRORS: ${s.harnessErrors} (bugs in the fuzzer itself; see the failures)`)
  lines.push(...failureLines(s))
  return lines.join('\n')
}
