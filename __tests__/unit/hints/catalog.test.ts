import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  CATALOG,
  catalogEntry,
  docsAnchor,
  HINT_IDS,
  severityFor,
  validateHintIds
} from '../../../src/analysis/hints/index.js'

const MB = 1_000_000

describe('catalog', () => {
  it('has unique, kebab-case ids and covers the issue’s list', () => {
    expect(new Set(HINT_IDS).size).toBe(HINT_IDS.length)
    for (const id of HINT_IDS) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
    const required = [
      'apt-lists',
      'apt-archives',
      'apk-cache',
      'dnf-cache',
      'pip-cache',
      'poetry-cache',
      'uv-cache',
      'npm-cache',
      'yarn-cache',
      'pnpm-store',
      'go-build-cache',
      'go-mod-cache',
      'maven-repo',
      'gradle-cache',
      'cargo-registry',
      'ccache',
      'composer-cache',
      'gem-cache',
      'nuget-cache',
      'build-tools',
      'docs',
      'locales',
      'vcs',
      'tmp-files',
      'logs',
      'source-archives',
      'python-bytecode',
      'deleted-later',
      'overwritten',
      'metadata-rewrite',
      'duplicate-files',
      'package-db-churn'
    ]
    expect(required.filter(id => !HINT_IDS.includes(id))).toEqual([])
  })

  it('documents every id in docs/hints.md under its anchor', () => {
    const docs = readFileSync(
      fileURLToPath(new URL('../../../docs/hints.md', import.meta.url)),
      'utf8'
    )
    for (const e of CATALOG) {
      expect(docs).toContain(`### \`${e.id}\``)
      expect(docsAnchor(e.id)).toBe(`docs/hints.md#${e.id}`)
    }
  })

  it('reports unknown ids for the caller to reject', () => {
    expect(validateHintIds(['apt-lists', 'docs'])).toEqual([])
    expect(validateHintIds(['apt-lists', 'apt-list', 'Docs'])).toEqual(['apt-list', 'Docs'])
    expect(() => catalogEntry('nope')).toThrow('unknown hint id "nope"')
  })
})

describe('severityFor', () => {
  it.each([
    // id, bytes, image bytes, expected
    ['pip-cache', 150 * MB, 2_000 * MB, 'error'],
    ['pip-cache', 30 * MB, 100 * MB, 'error'],
    ['pip-cache', 30 * MB, 1_000 * MB, 'warning'],
    ['pip-cache', 2 * MB, 20 * MB, 'warning'],
    ['pip-cache', 2 * MB, 1_000 * MB, 'info'],
    // A big share of a tiny image is still small.
    ['apk-cache', 900_000, 3 * MB, 'info'],
    // Capped families.
    ['docs', 500 * MB, 1_000 * MB, 'warning'],
    ['package-db-churn', 50 * MB, 100 * MB, 'info'],
    ['python-bytecode', 200 * MB, 400 * MB, 'info']
  ])('%s: %d of %d bytes → %s', (id, bytes, image, expected) => {
    expect(severityFor(id as string, bytes as number, image as number)).toBe(expected)
  })
})
