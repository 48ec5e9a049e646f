// What changed: the package and file-group changes that explain the size delta (and how much
// of it they explain), then the directories and files of the final filesystem that grew or
// shrank, one short table per kind with the rest collapsed. From the content diff
// (diff/content.ts): layers play no part, so content that only moved is never listed.

import type { ContentPathChange, Lead, Leads, PackageChange } from '../../diff/content.js'
import { formatBytes, formatDelta, formatPercent } from '../../units.js'
import { code, text } from '../escape.js'
import { count, DASH, details, PATH_MAX, sizeOrDash, table } from './format.js'
import type { ImageResult } from '../../diff/result.js'

/** Directory and file rows shown before the rest is collapsed. */
export const CHANGED_PATHS = 6
/** Rows in a collapsed "all changes" table. */
const MORE_ROWS = 150

/**
 * `level`: the budget's cut of this section (1: no collapsed lists, 2: the lead table only).
 */
export function changedSection(r: ImageResult, level: 0 | 1 | 2 = 0): string {
  const c = r.comparison
  if (!c) return ''
  if (!c.content || !c.leads) {
    return c.contentNote ? `> ℹ️ Package and directory detail: ${text(c.contentNote, 300)}.` : ''
  }
  const { content, leads } = c
  const parts = ['#### What changed']
  if (leads.rows.length === 0) {
    parts.push('The final filesystem holds the same packages and files at the same sizes.')
    return parts.join('\n\n')
  }
  parts.push(leadTable(leads.rows, leads.rest))
  parts.push(explainedLine(leads, c.total.delta))
  if (content.ecosystemsOneSide.length > 0) {
    parts.push(
      `<sub>Packages of ${content.ecosystemsOneSide.join(', ')} are indexed on one side only: counted with the files no package owns.</sub>`
    )
  }
  if (level < 1 && leads.rest) {
    const all = [
      ...content.packages.map(packageRow),
      ...content.unowned.map(g => [
        `${code(g.path, PATH_MAX)} <sub>no package</sub>`,
        DASH,
        sizeOrDash(g.before),
        sizeOrDash(g.after),
        formatDelta(g.delta)
      ])
    ]
    parts.push(
      details(
        `All ${count(all.length)} changes`,
        table(
          ['Package', 'Version', 'Before', 'After', 'Δ'],
          [false, false, true, true, true],
          all.slice(0, MORE_ROWS)
        ) + more(all.length)
      )
    )
  }
  if (level < 2) {
    const where = pathsBlock('Directories', content.dirs, level)
    const files = pathsBlock('Files', content.files, level)
    if (where) parts.push(where)
    if (files) parts.push(files)
  }
  return parts.join('\n\n')
}

function leadTable(rows: Lead[], rest: Leads['rest']): string {
  const restRow = rest
    ? [
        [
          DASH,
          `${count(rest.changes)} more changes <sub>(listed below)</sub>`,
          '',
          '',
          formatDelta(rest.delta)
        ]
      ]
    : []
  return table(
    ['Change', 'What', 'Before', 'After', 'Δ'],
    [false, false, true, true, true],
    [...rows.map(leadRow), ...restRow]
  )
}

function leadRow(l: Lead): string[] {
  if (l.kind === 'package') {
    const p = l.change
    return [
      p.change,
      `${code(p.name, 80)} <sub>${p.ecosystem}${versionText(p) ? ` ${versionText(p)}` : ''}</sub>`,
      p.change === 'added' ? DASH : formatBytes(p.before),
      p.change === 'removed' ? DASH : formatBytes(p.after),
      formatDelta(p.delta)
    ]
  }
  if (l.kind === 'unowned') {
    const g = l.change
    return [
      g.change,
      `${code(g.path, PATH_MAX)} <sub>files no package owns</sub>`,
      sizeOrDash(g.before),
      sizeOrDash(g.after),
      formatDelta(g.delta)
    ]
  }
  return [
    l.delta > 0 ? 'grew' : 'shrank',
    'hidden by later layers <sub>(shipped, not visible: see hints)</sub>',
    formatBytes(l.before),
    formatBytes(l.after),
    formatDelta(l.delta)
  ]
}

/** `12.2.0-14`, or `3.0.11 → 3.0.13` for an upgrade; raw text (escape where shown). */
export function versionPlain(p: PackageChange): string {
  if (p.change === 'upgraded') return `${p.versionBefore ?? '?'} → ${p.versionAfter ?? '?'}`
  return p.versionAfter ?? p.versionBefore ?? ''
}

function versionText(p: PackageChange): string {
  return text(versionPlain(p), 130)
}

function packageRow(p: PackageChange): string[] {
  return [
    `${code(p.name, 80)} <sub>${p.ecosystem}</sub>`,
    versionText(p) || DASH,
    p.change === 'added' ? DASH : formatBytes(p.before),
    p.change === 'removed' ? DASH : formatBytes(p.after),
    formatDelta(p.delta)
  ]
}

/** How much of the delta the rows explain (and all listed changes, when some are rolled up). */
export function explainedPlain(leads: Leads, total: number): string {
  if (leads.explained === undefined) return 'the total size did not change'
  const pct = (x: number | undefined) => formatPercent(x).replace(/^\+/, '')
  const head =
    leads.rest === undefined
      ? `these changes explain ${pct(leads.explained)} of the ${formatDelta(total)} delta`
      : `the ${count(leads.rows.length)} largest changes explain ${pct(leads.explained)} of the ${formatDelta(total)} delta`
  return leads.rest === undefined
    ? head
    : `${head}; with the ${count(leads.rest.changes)} more, ${pct(leads.explainedAll)}`
}

function explainedLine(leads: Leads, total: number): string {
  const s = explainedPlain(leads, total)
  return `<sub>${s[0].toUpperCase()}${s.slice(1)}.</sub>`
}

function pathsBlock(title: string, changes: ContentPathChange[], level: 0 | 1 | 2): string {
  if (changes.length === 0) return ''
  const head = changes.slice(0, CHANGED_PATHS)
  const rows = (list: ContentPathChange[]) =>
    table(['Path', '', 'Before', 'After', 'Δ'], [false, false, true, true, true], list.map(pathRow))
  const rest = changes.slice(CHANGED_PATHS)
  const tail =
    level < 1 && rest.length > 0
      ? `\n\n${details(`${count(rest.length)} more`, rows(rest.slice(0, MORE_ROWS)) + more(rest.length))}`
      : ''
  return `<b>${title}</b> <sub>(final filesystem)</sub>\n\n${rows(head)}${tail}`
}

function pathRow(p: ContentPathChange): string[] {
  return [
    code(p.path, PATH_MAX),
    p.change,
    p.before !== undefined ? formatBytes(p.before) : bound(p.beforeAtMost),
    p.after !== undefined ? formatBytes(p.after) : bound(p.afterAtMost),
    p.beforeAtMost !== undefined
      ? `≥ ${formatDelta(p.delta)}`
      : p.afterAtMost !== undefined
        ? `≤ ${formatDelta(p.delta)}`
        : formatDelta(p.delta)
  ]
}

function bound(atMost: number | undefined): string {
  return atMost === undefined || atMost === 0 ? DASH : `≤ ${formatBytes(atMost)}`
}

function more(n: number): string {
  return n > MORE_ROWS ? `\n\n… and ${count(n - MORE_ROWS)} more in the report file.` : ''
}
