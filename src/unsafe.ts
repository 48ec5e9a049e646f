// The characters that must never reach a log, a terminal or markdown as they are: C0 and C1
// controls (tab and newlines included), DEL, bidi embeddings/overrides/isolates and marks,
// zero-width and other invisible format characters (U+200B..U+200D, U+2060..U+206F, U+FEFF,
// U+180E, the soft hyphen), tag characters (U+E0000..U+E007F, which can spell hidden ASCII
// text) and lone surrogates. One definition for the renderers (render/escape.ts,
// render/terminal.ts), the readers' messages (image/layer/errors.ts) and the log writer
// (action/log.ts).

export const UNSAFE_CHARS =
  '[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u180e\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u206f\\ufeff]' +
  '|\\udb40[\\udc00-\\udc7f]' +
  '|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]'

/** A fresh global regex for UNSAFE_CHARS (global regexes carry state: one per use site). */
export function unsafeChars(extra = ''): RegExp {
  return new RegExp(`${UNSAFE_CHARS}${extra}`, 'g')
}

// The runner reads a log line as a workflow command when, after its leading whitespace, it
// starts with `::` (`::warning::`, `::add-mask::`, `::stop-commands::`), or when it holds
// `##[` anywhere (the legacy `##[warning]` form). Its lines end at LF, CRLF and a bare CR.
const LINE_BREAK = /\r\n|\r|\n/
// Tab and ESC stay: build logs indent with tabs and colour with ANSI sequences, and neither
// can start a command. Everything else unsafe (NUL first) becomes U+FFFD, visibly.
const UNSAFE_IN_LOG = new RegExp(`(?![\\t\\u001b])(?:${UNSAFE_CHARS})`, 'g')

/**
 * Text from an image, a build, an artifact or a baseline, made safe to print to a GitHub
 * Actions log: no line of the result is a workflow command. Each line keeps its text; a
 * leading `::` becomes `: :` and every `##[` becomes `# #[`; bare CRs end lines (as the
 * runner would) and NUL and other unsafe characters become U+FFFD.
 */
export function neutraliseCommands(text: string): string {
  return text
    .split(LINE_BREAK)
    .map(line =>
      line
        .replace(UNSAFE_IN_LOG, '\ufffd')
        .replace(/##\[/g, '# #[')
        .replace(/^(\s*):(?=:)/, '$1: ')
    )
    .join('\n')
}

/** One line of untrusted text for a log message (a name in a sentence): no line breaks at all. */
export function logText(text: string): string {
  return neutraliseCommands(text).replace(/\n/g, ' ')
}

/**
 * A value as pretty-printed JSON that is safe in a GitHub Actions log (the command line's
 * --json, run in a job). Every `##[` inside a string becomes `#\u0023[`: the same string
 * once parsed. A line of it never starts with `::` (it starts with a quote, a bracket or a
 * value), and line breaks inside strings are escaped by JSON itself.
 */
export function logSafeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/##\[/g, '#\\u0023[')
}
