// The log writer: whatever untrusted text goes through it, no line of stdout is a workflow
// command by the runner's rules (__tests__/support/runner-log.ts), and the text stays readable.

import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as log from '../../../src/action/log.js'
import { clean } from '../../../src/render/terminal.js'
import { logText, neutraliseCommands, unsafeChars } from '../../../src/unsafe.js'
import { commandLines, liveLines } from '../../support/runner-log.js'

/** Injection attempts: every form the runner would run, plus the characters around them. */
const ATTACKS = [
  '::warning::fake',
  '\n::add-mask::secret',
  'x\r::error file=a,line=1::fake',
  '  \t::set-output name=verdict::pass',
  '::stop-commands::guessed',
  '#6 0.051 ##[set-output name=x]y',
  '##[warning]legacy',
  '###[error]x',
  'a\r\n::notice::crlf',
  'nul\u0000::debug::x',
  '\u0085::warning::nel',
  '\u2028::warning::ls',
  ':::warning::three',
  '::',
  '##['
]

describe('neutraliseCommands', () => {
  it.each(ATTACKS.map(a => [JSON.stringify(a), a]))('%s runs no command', (_, attack) => {
    const out = neutraliseCommands(attack)
    expect(commandLines(out)).toEqual([])
    expect(commandLines(`${out}\n${out}`)).toEqual([])
  })

  it('keeps the text readable: lines, tabs, colours and ordinary colons stay', () => {
    expect(neutraliseCommands('Step 1/3 : FROM x\n\tcolour \u001b[31mred\u001b[0m')).toBe(
      'Step 1/3 : FROM x\n\tcolour \u001b[31mred\u001b[0m'
    )
    expect(neutraliseCommands('::warning::x')).toBe(': :warning::x')
    expect(neutraliseCommands('a ##[b] c')).toBe('a # #[b] c')
    // A bare CR ends a line for the runner: here it becomes a visible line break.
    expect(neutraliseCommands('a\rb\r\nc')).toBe('a\nb\nc')
    expect(neutraliseCommands('nul\u0000here')).toBe('nul\ufffdhere')
  })

  it('is idempotent', () => {
    for (const a of ATTACKS)
      expect(neutraliseCommands(neutraliseCommands(a))).toBe(neutraliseCommands(a))
  })

  it('logText keeps a value on one line', () => {
    expect(logText('api\n::warning::x\r##[y]')).toBe('api : :warning::x # #[y]')
  })
})

describe('unsafe characters', () => {
  it.each([
    ['zero-width space', '\u200b'],
    ['zero-width joiner', '\u200d'],
    ['word joiner', '\u2060'],
    ['byte order mark', '\ufeff'],
    ['soft hyphen', '\u00ad'],
    ['right-to-left override', '\u202e'],
    ['left-to-right isolate', '\u2066'],
    ['arabic letter mark', '\u061c'],
    ['tag space', '\udb40\udc20'],
    ['tag a', '\udb40\udc61'],
    ['cancel tag', '\udb40\udc7f'],
    ['lone high surrogate', '\ud800'],
    ['NUL', '\u0000']
  ])('%s is unsafe', (_, ch) => {
    expect(`a${ch}b`.replace(unsafeChars(), '\ufffd')).toBe('a\ufffdb')
  })

  it.each([
    ['a letter', 'é'],
    ['an emoji', '🐳'],
    ['a CJK character', '日'],
    ['a supplementary letter', '𝒳']
  ])('%s is safe', (_, ch) => {
    expect(`a${ch}b`.replace(unsafeChars(), '\ufffd')).toBe(`a${ch}b`)
  })
})

describe('the writer', () => {
  let out: string
  beforeEach(() => {
    out = ''
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      out += String(chunk)
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })

  it('info, warning, error and notice never print a second command', () => {
    for (const a of ATTACKS) {
      log.info(a)
      log.warning(a, { title: a, file: a })
      log.error(a)
      log.notice(a)
    }
    // Only the writer's own annotations are commands: one per call, each a single line.
    const commands = commandLines(out)
    expect(commands).toHaveLength(ATTACKS.length * 3)
    expect(commands.every(l => /^::(warning|error|notice)[ :]/.test(l))).toBe(true)
    expect(commands.some(l => l.includes('##['))).toBe(false)
  })

  it('streams a build log inside a stop-commands block with a fresh token', async () => {
    for (let i = 0; i < 2; i++) {
      await log.withStoppedCommands(async write => {
        for (const a of ATTACKS) write(a)
      })
    }
    const all = [...out.matchAll(/::stop-commands::([0-9a-f]{32})\n/g)].map(m => m[1])
    expect(all).toHaveLength(2)
    expect(all[0]).not.toBe(all[1])
    for (const t of all) expect(out).toContain(`\n::${t}::\n`)
    expect(liveLines(out)).toEqual([''])
  })

  it('closes the block when the build throws', async () => {
    await expect(
      log.withStoppedCommands(async write => {
        write('::error::inside')
        throw new Error('build failed')
      })
    ).rejects.toThrow('build failed')
    log.info('after')
    expect(liveLines(out)).toEqual(['after', ''])
  })

  it('logUntrusted prints a report inside its own block', () => {
    log.logUntrusted('report\n::add-mask::x\r##[set-output name=a]b')
    expect(liveLines(out)).toEqual([''])
    expect(out).toContain('report')
  })
})

describe('the terminal renderer (CLI output in a CI log)', () => {
  it('leaves no ##[ and no invisible character in a value', () => {
    const out = clean('a ##[set-output name=x]y \u200b tag\udb40\udc41 \u202e\nz')
    expect(out).toBe('a # #[set-output name=x]y \\u{200b} tag\\u{e0041} \\u{202e}\\u{a}z')
    expect(commandLines(out)).toEqual([])
  })
})
