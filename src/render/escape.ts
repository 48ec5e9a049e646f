// The one escaping family for everything the markdown renderers print that comes from the
// image or the PR: file names, instructions, image names, labels, logins, branch names.
//
// GitHub renders comments in two passes: a GFM parser, then filters over the resulting HTML
// (sanitiser, @mentions, #references, emoji, autolinks). Escaping therefore has to defeat
// both passes:
//
// - HTML: `& < > " '` become entities, so no tag, attribute or comment (a fake copy of our
//   hidden marker included) can be opened.
// - GFM: text between inline HTML tags is still parsed as markdown, so every character that
//   can start inline structure (`` ` * _ ~ [ ] \ $ ``, and `|`, which splits table cells even
//   inside code) becomes a numeric character reference. CommonMark treats a character
//   reference as literal text: it can never act as structure.
// - Autolinks and emoji: `:` and `@` are encoded too (`https://…`, `a@b.c`, `:tada:`), and
//   `www.` is broken, so a file name never turns into a link.
// - Mentions and references: the filters run on the decoded HTML text, so entities do not
//   help there. Inside `<code>` they do nothing: GitHub skips text under `code` (and `pre`,
//   `a`) when it looks for `@user`, `@org/team` and `#123` (html-pipeline's MentionFilter,
//   IGNORE_PARENTS). Prose gets a zero-width space after `@` and before a `#<digit>`
//   reference (`@&#8203;org`), the approach Renovate and Dependabot use in release notes.
// - Layout: newlines, CR and tabs collapse to a space (a newline would end a table row or
//   start a `# heading` / `::workflow-command` line); other control characters, lone
//   surrogates and bidi overrides (Trojan Source: U+202E reverses what follows) become
//   U+FFFD, visibly, rather than vanishing.
// - Length: every value is bounded (by grapheme, so an emoji is never split) and ends with
//   `…` when cut, so one hostile 1 MB file name cannot eat the comment's budget.

import { unsafeChars } from '../unsafe.js'

/** Default bound for untrusted values, in graphemes. */
export const DEFAULT_MAX = 200

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '~': '&#126;',
  '[': '&#91;',
  ']': '&#93;',
  $: '&#36;',
  ':': '&#58;',
  '@': '&#64;',
  '#': '&#35;'
}

const SPECIALS = /[&<>"'|\\`*_~[\]$:@#]/g
const LINE_BREAKS = /[\r\n\t\f\v\u0085\u2028\u2029]+/g
// Line breaks are handled above; the rest of src/unsafe.ts's characters are marked.
const UNSAFE = unsafeChars()

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })

/** Untrusted text as inline code: safe in prose, table cells, `<summary>` and list items. */
export function code(value: string, max = DEFAULT_MAX): string {
  return `<code>${escapeLiteral(value, max)}</code>`
}

/**
 * Untrusted text in prose. Prefer `code()`: it needs no mention breaking and reads as a
 * name. `text()` is for values that read as words (a threshold, a reason line), where a
 * code box would be noise.
 */
export function text(value: string, max = DEFAULT_MAX): string {
  return breakReferences(escapeLiteral(value, max))
    .replace(/^[-+=0-9]/, c => `&#${c.charCodeAt(0)};`)
    .replace(/&#64;/g, '@&#8203;')
}

/**
 * Catalog text with `backtick` spans (hint titles and fixes): the spans become `code()`, the
 * rest `text()`. The catalog is ours, but it quotes paths and package names from the image.
 */
export function inline(value: string, max = 400): string {
  const parts = cutOutsideCode(normalise(value), max).split('`')
  // An odd count of backticks leaves the last span unclosed: print it as text.
  const closed = parts.length % 2 === 1 ? parts : [...parts.slice(0, -2), parts.slice(-2).join('`')]
  return closed.map((p, i) => (i % 2 === 1 ? code(p, max) : p === '' ? '' : text(p, max))).join('')
}

const ticks = (s: string): number => s.split('`').length - 1

/**
 * Shortens prose that holds `code` spans to about `max` characters, never inside a span: at a
 * word boundary before the span the limit falls in, or, when that span starts too early to
 * leave much text, by closing the span after the cut.
 */
export function cutOutsideCode(value: string, max: number): string {
  const cut = bound(value, max)
  if (cut === value) return value
  let head = cut.endsWith('…') ? cut.slice(0, -1) : cut
  if (ticks(head) % 2 === 1) {
    const open = head.lastIndexOf('`')
    if (open < max / 2) return `${head.trimEnd()}…\``
    head = head.slice(0, open)
  } else {
    const space = head.search(/\s\S*$/)
    if (space > max / 2 && ticks(head.slice(0, space)) % 2 === 0) head = head.slice(0, space)
  }
  return `${head.trimEnd()} …`
}

/** A URL for an `href`: http(s) only, no characters that could leave the attribute. */
export function href(url: string): string | undefined {
  if (!/^https?:\/\/[^\s"'<>`|\\]+$/.test(url) || url.length > 2000) return undefined
  return url.replace(/&/g, '&amp;')
}

/** `<a href>` around already-escaped HTML when the URL is usable, else the HTML alone. */
export function link(url: string | undefined, html: string): string {
  const safe = url === undefined ? undefined : href(url)
  return safe === undefined ? html : `<a href="${safe}">${html}</a>`
}

/** Encodes each segment of a repository path for a URL (`/` kept, `..` refused). */
export function urlPath(path: string): string | undefined {
  const segments = path.replace(/^\.?\//, '').split('/')
  if (path.length > 500 || segments.some(s => s === '' || s === '.' || s === '..')) return undefined
  return segments.map(encodeURIComponent).join('/')
}

/** A commit sha shortened to 7, or undefined when it is not hex. */
export function shortSha(sha: string): string | undefined {
  return /^[0-9a-f]{7,64}$/i.test(sha) ? sha.slice(0, 7).toLowerCase() : undefined
}

function escapeLiteral(value: string, max: number): string {
  return normalise(bound(value, max))
    .replace(SPECIALS, c => ENTITIES[c])
    .replace(/(w)(w)(w)\./gi, '$1$2$3&#46;')
}

function normalise(value: string): string {
  return value.replace(LINE_BREAKS, ' ').replace(UNSAFE, '\ufffd')
}

function breakReferences(escaped: string): string {
  return escaped
    .replace(/&#35;(?=[0-9])/g, '&#35;&#8203;')
    .replace(/\b(GH)-(?=[0-9])/gi, '$1&#8203;-')
}

/**
 * At most `max` graphemes, so an emoji is never split; a cut value ends with `…`. A grapheme
 * is clipped to 16 code units: a "Zalgo" name (one letter, a megabyte of combining marks) is
 * one grapheme.
 */
export function bound(value: string, max: number): string {
  if (value.length <= max) return value
  const kept: string[] = []
  for (const { segment } of segmenter.segment(value)) {
    if (kept.length === max) return kept.slice(0, -1).join('') + '…'
    kept.push(segment.length > 16 ? Array.from(segment).slice(0, 4).join('') : segment)
  }
  return kept.join('')
}
