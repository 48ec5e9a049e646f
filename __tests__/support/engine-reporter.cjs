// Prints how many engine-backed tests (integration + e2e projects) ran and were skipped,
// so a green run that silently skipped them is visible in the CI log. With ISG_ENGINE_LABEL
// (set by .ci/run: which engine, store and client) the line names the engine; with
// ISG_TEST_COUNTS (a file) it is also appended there, for .ci/run's closing table.
const { appendFileSync } = require('node:fs')

class EngineReporter {
  onRunComplete(_contexts, results) {
    const counts = {}
    for (const file of results.testResults) {
      const project = /__tests__\/(unit|integration|e2e)\//.exec(file.testFilePath)?.[1] ?? 'other'
      const c = (counts[project] ??= { passed: 0, failed: 0, skipped: 0 })
      for (const t of file.testResults) {
        if (t.status === 'passed') c.passed++
        else if (t.status === 'failed') c.failed++
        else c.skipped++
      }
    }
    const line = Object.entries(counts)
      .map(([p, c]) => `${p}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`)
      .join(' | ')
    const label = process.env.ISG_ENGINE_LABEL
    const seconds = ((Date.now() - results.startTime) / 1000).toFixed(0)
    process.stderr.write(
      `\nTest counts by project${label ? ` on ${label}` : ''} — ${line} (${seconds} s)\n`
    )
    if (process.env.ISG_TEST_COUNTS) {
      appendFileSync(
        process.env.ISG_TEST_COUNTS,
        `${label ?? '(engine)'}: ${line} (${seconds} s)\n`
      )
    }
  }
}
module.exports = EngineReporter
