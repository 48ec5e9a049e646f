// Threshold rules: `10%`, `25MB`, `10% & 25MB` (both must be exceeded: ratio-only rules
// misfire on small images, neurodesk/neurocontainers#3153) and `10% | 25MB` (either).

import { inputLabel } from '../errors.js'
import { parseSize, SIZE_HELP } from '../units.js'

export interface IncreaseRule {
  /** Fraction: 0.1 for `10%`. */
  ratio?: number
  bytes?: number
  /** `all`: every given limit must be exceeded (`&`); `any`: one is enough (`|`). */
  mode: 'all' | 'any'
  text: string
}

export const RULE_HELP = `a percentage (10%), ${SIZE_HELP}, or both joined by & (both exceeded) or | (either), e.g. "10% | 50MB"`

/** Parses an increase rule; throws a message naming the input. Empty → undefined. */
export function parseIncreaseRule(value: string, name: string): IncreaseRule | undefined {
  const text = value.trim()
  if (text === '') return undefined
  const hasAnd = text.includes('&')
  const hasOr = text.includes('|')
  if (hasAnd && hasOr)
    throw new Error(`${inputLabel(name)}: use either & or |, not both, in "${text}"`)
  const parts = text.split(/[&|]/).map(p => p.trim())
  if (parts.length > 2)
    throw new Error(`${inputLabel(name)} takes at most one percentage and one size, got "${text}"`)
  const rule: IncreaseRule = { mode: hasOr ? 'any' : 'all', text }
  for (const part of parts) addPart(rule, part, name, text)
  return rule
}

function addPart(rule: IncreaseRule, part: string, name: string, text: string): void {
  const pct = /^(\d+(?:\.\d+)?)\s*%$/.exec(part)
  if (pct) {
    if (rule.ratio !== undefined)
      throw new Error(`${inputLabel(name)} has two percentages in "${text}"`)
    rule.ratio = Number(pct[1]) / 100
    return
  }
  const bytes = parseSize(part)
  if (bytes === undefined || /^-/.test(part)) {
    const where = part === text ? '' : ` (in "${text}")`
    const sign = /^-/.test(part) ? ' (an increase limit cannot be negative)' : ''
    throw new Error(`${inputLabel(name)}: "${part}"${where} is not valid${sign}. Use ${RULE_HELP}`)
  }
  if (rule.bytes !== undefined) throw new Error(`${inputLabel(name)} has two sizes in "${text}"`)
  rule.bytes = bytes
}

/** Whether an increase of `delta` bytes over `base` bytes crosses the rule. */
export function exceeds(rule: IncreaseRule, delta: number, base: number): boolean {
  const checks: boolean[] = []
  if (rule.bytes !== undefined) checks.push(delta > rule.bytes)
  if (rule.ratio !== undefined) checks.push(base > 0 ? delta / base > rule.ratio : delta > 0)
  return rule.mode === 'all' ? checks.every(Boolean) : checks.some(Boolean)
}

/** `max-size`: an absolute cap. */
export function parseMaxSize(value: string, name: string): number | undefined {
  const text = value.trim()
  if (text === '') return undefined
  const bytes = parseSize(text)
  if (bytes === undefined || bytes <= 0)
    throw new Error(`${inputLabel(name)} must be ${SIZE_HELP}, got "${text}"`)
  return bytes
}
