// How the GitHub Actions runner reads a step's stdout for workflow commands, for tests that
// must prove no untrusted text ran as one. The runner (actions/runner, ActionCommandManager
// and ActionCommand.TryParse/TryParseV2) ends a line at LF, CRLF and a bare CR; skips every
// line between `::stop-commands::TOKEN` and `::TOKEN::`; runs a line that starts with `::`
// after its leading whitespace; and runs the legacy `##[command]` form found anywhere in a
// line.

/** The lines outside stop-commands blocks, split as the runner splits them. */
export function liveLines(stdout: string): string[] {
  const live: string[] = []
  let stopToken: string | undefined
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    if (stopToken !== undefined) {
      if (line.trim() === `::${stopToken}::`) stopToken = undefined
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(line.trimStart())
    if (stop) stopToken = stop[1]
    else live.push(line)
  }
  return live
}

/**
 * The live lines the runner runs as workflow commands: `::` at the start after leading
 * whitespace (`::warning::`, `::add-mask::`, `::set-output …`), or the legacy `##[` form,
 * which the runner finds anywhere in a line.
 */
export function commandLines(stdout: string): string[] {
  return liveLines(stdout).filter(l => /^\s*::/.test(l) || l.includes('##['))
}
