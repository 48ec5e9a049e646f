// Prints how many engine-backed tests (integration + e2e projects) ran and were skipped,
// so a green run that silently skipped them is visible in the CI log.
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
    process.stderr.write(`\nTest counts by project — ${line}\n`)
  }
}
module.exports = EngineReporter
