import { describe, expect, it } from '@jest/globals'
import { catalogEntry } from '../../../src/analysis/hints/index.js'
import { renderSarif } from '../../../src/render/sarif.js'
import { hint } from '../../support/reports.js'
import { sarifValidator } from '../../support/sarif-schema.js'

const validate = sarifValidator()

const DOCKERFILE = [
  'FROM python:3.12-slim',
  'RUN apt-get update \\',
  '    && apt-get install -y gcc',
  'RUN pip install -r requirements.txt',
  ''
].join('\n')

const hints = [
  hint('pip-cache', 12_345_678, {
    severity: 'warning',
    dockerfile: 'docker/my app/Dockerfile',
    dockerfileLine: 4,
    new: true
  }),
  hint('apt-lists', 20_000_000, {
    severity: 'error',
    dockerfile: 'docker/my app/Dockerfile',
    dockerfileLine: 2,
    instruction: 'RUN apt-get update && apt-get install -y gcc'
  }),
  hint('docs', 2_000_000, { severity: 'info' })
]

const log = renderSarif([{ name: 'app', platform: 'linux/amd64', hints }], {
  version: '9.9.9',
  dockerfiles: new Map([['docker/my app/Dockerfile', DOCKERFILE]])
})
const run = log.runs[0]

describe('renderSarif', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    expect(validate(log)).toEqual([])
  })

  it('the validator is not a rubber stamp', () => {
    const broken = JSON.parse(JSON.stringify(log)) as typeof log
    ;(broken.runs[0].results![0] as { level: string }).level = 'fatal'
    expect(validate(broken).join('\n')).toMatch(/level/)
    expect(validate({ version: '2.1.0' })).not.toEqual([])
  })

  it('one rule per id used, from the catalog, with the fix in the help', () => {
    expect(run.tool.driver.name).toBe('image-size-guard')
    expect(run.tool.driver.version).toBe('9.9.9')
    const rules = run.tool.driver.rules!
    expect(rules.map(r => r.id).sort()).toEqual(['apt-lists', 'docs', 'pip-cache'])
    const pip = rules.find(r => r.id === 'pip-cache')!
    expect(pip.shortDescription?.text).toBe(catalogEntry('pip-cache').title)
    expect(pip.help?.text).toContain(catalogEntry('pip-cache').fix)
    expect(rules.find(r => r.id === 'docs')!.defaultConfiguration?.level).toBe('warning')
  })

  it('one result per hint: rule, level from severity, location, bytes', () => {
    const results = run.results!
    expect(results).toHaveLength(3)
    expect(results.map(r => [r.ruleId, r.level])).toEqual([
      ['pip-cache', 'warning'],
      ['apt-lists', 'error'],
      ['docs', 'note']
    ])
    const rules = run.tool.driver.rules!
    for (const r of results) expect(rules[r.ruleIndex!].id).toBe(r.ruleId)
    expect(results[0].locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'docker/my%20app/Dockerfile' },
          region: { startLine: 4 }
        }
      }
    ])
    expect(results[0].properties).toMatchObject({ bytes: 12_345_678, new: true, image: 'app' })
    expect(results[0].message.text).toContain('12.3 MB')
    expect(results[2].locations).toBeUndefined()
  })

  it('carries the mechanical rewrite as a SARIF fix', () => {
    const [pip, apt, docs] = run.results!
    expect(pip.fixes?.[0].artifactChanges[0].replacements[0]).toEqual({
      deletedRegion: { startLine: 4, endLine: 4 },
      insertedContent: { text: 'RUN pip install --no-cache-dir -r requirements.txt' }
    })
    expect(apt.fixes?.[0].artifactChanges[0].replacements[0]).toEqual({
      deletedRegion: { startLine: 2, endLine: 3 },
      insertedContent: {
        text: 'RUN apt-get update \\\n    && apt-get install -y gcc \\\n    && rm -rf /var/lib/apt/lists/*'
      }
    })
    expect(docs.fixes).toBeUndefined()
  })

  it('fingerprints stay the same for the same hint and differ between images', () => {
    const again = renderSarif([{ name: 'app', platform: 'linux/amd64', hints }], { version: '1' })
    const other = renderSarif([{ name: 'api', platform: 'linux/amd64', hints }], { version: '1' })
    const fp = (l: typeof log) => l.runs[0].results![0].partialFingerprints
    expect(fp(again)).toEqual(fp(log))
    expect(fp(other)).not.toEqual(fp(log))
  })
})
