import { describe, expect, it } from '@jest/globals'
import { expand, unquote } from '../../../src/dockerfile/expand.js'
import { joinContinuations, parseDockerfile, resolvePath } from '../../../src/dockerfile/parse.js'

const scope = new Map<string, string | undefined>([
  ['A', 'one'],
  ['EMPTY', ''],
  ['DECLARED', undefined]
])

describe('expand', () => {
  it.each([
    ['$A', 'one'],
    ['${A}', 'one'],
    ['x${A}y', 'xoney'],
    ['$A/$B', 'one/'],
    ['${B:-two}', 'two'],
    ['${EMPTY:-two}', 'two'],
    ['${EMPTY-two}', ''],
    ['${B-two}', 'two'],
    ['${A:+set}', 'set'],
    ['${EMPTY:+set}', ''],
    ['${EMPTY+set}', 'set'],
    ['${B:-${A}}', 'one'],
    ['\\$A', '$A'],
    ['$', '$'],
    ['${A#o}', '${A#o}'],
    ['${DECLARED:-d}', 'd']
  ])('%s → %s', (text, expected) => {
    expect(expand(text, scope)).toBe(expected)
  })

  it('honours the escape directive', () => {
    expect(expand('`$A', scope, '`')).toBe('$A')
  })
})

describe('text helpers', () => {
  it('unquotes shell words', () => {
    expect(unquote('"a b"')).toBe('a b')
    expect(unquote("'x'y")).toBe('xy')
  })

  it('joins continuation lines and drops comments inside them', () => {
    expect(joinContinuations('a \\\n  # note\n  b \\\n\n  c')).toBe('a   b   c')
    expect(joinContinuations('a `\n b', '`')).toBe('a  b')
  })

  it('resolves paths against a directory', () => {
    expect(resolvePath('/app', 'src/../lib/')).toBe('/app/lib')
    expect(resolvePath('/app', '/opt')).toBe('/opt')
    expect(resolvePath('/', '.')).toBe('/')
  })
})

describe('parseDockerfile', () => {
  it('tracks WORKDIR across relative paths and stages, and ENV into later instructions', () => {
    const stages = parseDockerfile(
      'FROM scratch AS a\nWORKDIR app\nENV DIR=sub\nWORKDIR $DIR\nFROM a\nWORKDIR ..\nCOPY x ${DIR}/\n'
    )
    const forms = stages.flatMap(s => s.instructions.map(i => i.forms))
    expect(forms.map(f => f[0])).toEqual([
      'WORKDIR /app',
      'ENV DIR=sub',
      'WORKDIR /app/sub',
      'WORKDIR /app',
      'COPY x ${DIR}/'
    ])
    // BuildKit prints COPY sources and destination expanded.
    expect(forms[4]).toContain('COPY x sub/')
    expect(stages[1]).toMatchObject({ parent: 0, image: 'a', line: 5 })
  })

  it('prints CMD like BuildKit, shell form through the stage SHELL', () => {
    const stages = parseDockerfile(
      'FROM alpine\nCMD ["a", "b c", "d\\"e"]\nSHELL ["/bin/ash", "-c"]\nENTRYPOINT exec run\nRUN ["sh", "-c", "echo  hi"]\n'
    )
    expect(stages[0].instructions.map(i => i.forms[0])).toEqual([
      'CMD ["a" "b c" "d\\"e"]',
      'SHELL [/bin/ash -c]',
      'ENTRYPOINT ["/bin/ash" "-c" "exec run"]',
      'RUN sh -c echo hi'
    ])
  })
})
