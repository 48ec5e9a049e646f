import { describe, expect, it } from '@jest/globals'
import {
  bound,
  code,
  href,
  inline,
  link,
  shortSha,
  text,
  urlPath
} from '../../../src/render/escape.js'
import { expectNoPings } from './check.js'

/** Strings an image or a PR can carry into the comment. */
export const HOSTILE: string[] = [
  '</details><img src=x onerror=alert(1)>',
  '@org/team',
  '`x`',
  '```',
  '|a|b|',
  '<!-- image-size-guard -->',
  '[x](javascript:alert(1))',
  '![x](https://evil.example/pixel.png)',
  'evil\u202etxt.exe',
  'line\n# heading',
  'a\r\nb\tc',
  '::set-output name=x::y',
  '\n::error::pwned',
  'x'.repeat(5000),
  '🐳🏳️‍🌈👨‍👩‍👧‍👦'.repeat(100),
  '*bold* _em_ ~~strike~~ $x^2$',
  'https://evil.example www.evil.example a@b.example',
  'fixes #123 and acme/shop#7 GH-9',
  '&lt;already&gt; &#64;escaped',
  '\\`\\|',
  '\u0000\u0007\u001b[31mred\u007f\u0085',
  '\ud800 lone surrogate',
  'a\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301'
]

/** What must not survive escaping, as a raw substring. */
const FORBIDDEN = [
  '<img',
  '</details',
  '<!--',
  '`',
  '|',
  '\n',
  '\r',
  '\t',
  '\u202e',
  '[x]',
  '](',
  '*bold*',
  '$x',
  '::'
]

describe('code()', () => {
  it.each(HOSTILE.map(s => [JSON.stringify(s).slice(0, 60), s]))(
    '%s stays inside one <code>',
    (_, s) => {
      const out = code(s)
      expect(out.startsWith('<code>')).toBe(true)
      expect(out.endsWith('</code>')).toBe(true)
      const inner = out.slice('<code>'.length, -'</code>'.length)
      for (const bad of FORBIDDEN) expect(inner).not.toContain(bad)
      expect(inner).not.toMatch(/[<>"']/)
      // Every & starts an entity we wrote: nothing the input had can form its own.
      expect(inner.replace(/&(#\d+|amp|lt|gt|quot);/g, '')).not.toContain('&')
    }
  )

  it('escapes HTML and GFM specials to entities', () => {
    expect(code('</details><img src=x onerror=alert(1)>')).toBe(
      '<code>&lt;/details&gt;&lt;img src=x onerror=alert(1)&gt;</code>'
    )
    expect(code('|a|b|')).toBe('<code>&#124;a&#124;b&#124;</code>')
    expect(code('`x`')).toBe('<code>&#96;x&#96;</code>')
    expect(code('<!-- image-size-guard -->')).toBe('<code>&lt;!-- image-size-guard --&gt;</code>')
    expect(code('[x](javascript:alert(1))')).toBe(
      '<code>&#91;x&#93;(javascript&#58;alert(1))</code>'
    )
    expect(code('a & "b" \'c\'')).toBe('<code>a &amp; &quot;b&quot; &#39;c&#39;</code>')
  })

  it('leaves @mentions to <code> (GitHub skips code) and breaks autolinks', () => {
    expect(code('@org/team')).toBe('<code>&#64;org/team</code>')
    expect(code('www.evil.example')).toBe('<code>www&#46;evil.example</code>')
    expect(code('https://x')).toBe('<code>https&#58;//x</code>')
  })

  it('collapses line breaks and marks control and bidi characters', () => {
    expect(code('line\n# heading')).toBe('<code>line &#35; heading</code>')
    expect(code('a\r\nb\tc')).toBe('<code>a b c</code>')
    expect(code('evil\u202etxt')).toBe('<code>evil\ufffdtxt</code>')
    expect(code('\u0000x\u007f')).toBe('<code>\ufffdx\ufffd</code>')
    expect(code('\ud800!')).toBe('<code>\ufffd!</code>')
  })

  it('bounds the length with an ellipsis, never splitting an emoji', () => {
    expect(code('x'.repeat(5000), 60)).toBe(`<code>${'x'.repeat(59)}…</code>`)
    const flags = '🏳️‍🌈'.repeat(10)
    const cut = bound(flags, 4)
    expect(cut).toBe('🏳️‍🌈'.repeat(3) + '…')
    expect(bound('short', 60)).toBe('short')
    expect(bound('👨‍👩‍👧‍👦'.repeat(3), 3)).toBe('👨‍👩‍👧‍👦'.repeat(3))
  })

  it('clips a grapheme made of a megabyte of combining marks', () => {
    const zalgo = 'a' + '\u0301'.repeat(1_000_000)
    expect(code(zalgo, 10).length).toBeLessThan(40)
  })

  it('keeps plain paths readable', () => {
    expect(code('/usr/lib/python3.12/site-packages/torch')).toBe(
      '<code>/usr/lib/python3.12/site-packages/torch</code>'
    )
  })
})

describe('text()', () => {
  it.each(HOSTILE.map(s => [JSON.stringify(s).slice(0, 60), s]))(
    '%s cannot open markup or ping',
    (_, s) => {
      const out = text(s)
      for (const bad of FORBIDDEN) expect(out).not.toContain(bad)
      expect(out).not.toMatch(/[<>"']/)
      expectNoPings(out)
    }
  )

  it('breaks mentions and references with a zero-width space', () => {
    expect(text('@org/team')).toBe('@&#8203;org/team')
    expect(text('see #123')).toBe('see &#35;&#8203;123')
    expect(text('GH-9')).toBe('GH&#8203;-9')
  })

  it('neutralises a leading list or heading marker', () => {
    expect(text('- item')).toBe('&#45; item')
    expect(text('1. item')).toBe('&#49;. item')
  })
})

describe('inline()', () => {
  it('turns backtick spans into code and escapes the rest', () => {
    expect(inline('add `--no-cache-dir` to `pip install`')).toBe(
      'add <code>--no-cache-dir</code> to <code>pip install</code>'
    )
  })

  it('keeps hostile text inside spans and outside them inert', () => {
    const out = inline('remove `</code><img src=x>` for @org/team')
    expect(out).toBe('remove <code>&lt;/code&gt;&lt;img src=x&gt;</code> for @&#8203;org/team')
  })

  it('prints an unclosed span as text', () => {
    expect(inline('a `b` c `d')).toBe('a <code>b</code> c &#96;d')
  })

  it('shortens a long fix before the code span the limit falls in, never inside it', () => {
    const fix = `delete the other locales ${'word '.repeat(10)}in \`RUN find /usr/share/locale -mindepth 1 -maxdepth 1 ! -name en_US -exec rm -rf {} +\``
    const out = inline(fix, 80)
    expect(out).toBe(`delete the other locales ${'word '.repeat(10)}in …`)
    expect(out).not.toContain('&#96;')
  })

  it('closes a span that starts too early to cut before it', () => {
    const out = inline(`a \`${'x'.repeat(100)}\` b`, 40)
    expect(out).toMatch(/^a <code>x+…<\/code>$/)
  })

  it('cuts prose at a word boundary', () => {
    expect(inline(`${'alpha '.repeat(20)}\`code\``, 50)).toBe(`${'alpha '.repeat(8)}…`)
  })

  it('does not let @ inside catalog text ping', () => {
    expectNoPings(inline('ask @octocat or `@octocat` about #12'))
  })
})

describe('links', () => {
  it('accepts http(s) URLs only, escaped for an attribute', () => {
    expect(href('https://github.com/a/b?x=1&y=2')).toBe('https://github.com/a/b?x=1&amp;y=2')
    expect(href('javascript:alert(1)')).toBeUndefined()
    expect(href('https://x/"onmouseover="alert(1)')).toBeUndefined()
    expect(href('https://x/a|b')).toBeUndefined()
    expect(link('javascript:alert(1)', 'x')).toBe('x')
    expect(link('https://x/y', '<code>y</code>')).toBe('<a href="https://x/y"><code>y</code></a>')
  })

  it('encodes repository paths segment by segment and refuses traversal', () => {
    expect(urlPath('docker/api/Dockerfile')).toBe('docker/api/Dockerfile')
    expect(urlPath('./a b/Docker|file"')).toBe('a%20b/Docker%7Cfile%22')
    expect(urlPath('../../etc/passwd')).toBeUndefined()
    expect(urlPath('a//b')).toBeUndefined()
  })

  it('shortens only hex shas', () => {
    expect(shortSha('ABC1234DEF')).toBe('abc1234')
    expect(shortSha('main')).toBeUndefined()
    expect(shortSha('abc1234"><img')).toBeUndefined()
  })
})
