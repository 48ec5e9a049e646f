// The project's workflows can't run here, so every workflow file, every workflow snippet in
// the docs, and action.yml itself are parsed with GitHub's own parser (@actions/workflow-parser).

import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/action-parser'
import { parse as parseYaml } from 'yaml'

const trace = new NoOperationTraceWriter()

function workflowFiles(): string[] {
  return readdirSync('.github/workflows')
    .filter(f => /\.ya?ml$/.test(f))
    .map(f => `.github/workflows/${f}`)
}

/** ```yaml blocks with a `jobs:` key in README.md and docs/*.md. */
export function workflowSnippets(): { name: string; content: string }[] {
  const files = [
    'README.md',
    ...readdirSync('docs')
      .filter(f => f.endsWith('.md'))
      .map(f => `docs/${f}`)
  ]
  const snippets: { name: string; content: string }[] = []
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const blocks = [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)]
    blocks.forEach((m, i) => {
      if (/^jobs:/m.test(m[1])) snippets.push({ name: `${file}#${i + 1}`, content: m[1] })
    })
  }
  return snippets
}

function errorsOf(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, trace)
  return result.context.errors.getErrors().map(e => e.message)
}

describe('workflow files', () => {
  it('there are workflows to check', () => {
    expect(workflowFiles().length).toBeGreaterThanOrEqual(1)
  })

  it.each(workflowFiles())('%s parses without errors', file => {
    expect(errorsOf(file, readFileSync(file, 'utf8'))).toEqual([])
  })

  it('the parser does report a broken workflow (the check can fail)', () => {
    expect(
      errorsOf('bad.yml', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n')
        .length
    ).toBeGreaterThan(0)
  })

  it.each(workflowFiles())('%s only passes declared inputs to `uses: ./`', file => {
    const declared = Object.keys(parseYaml(readFileSync('action.yml', 'utf8')).inputs)
    for (const job of Object.values(parseYaml(readFileSync(file, 'utf8')).jobs) as {
      steps?: { uses?: string; with?: object }[]
    }[]) {
      for (const step of job.steps ?? []) {
        if (step.uses !== './') continue
        for (const key of Object.keys(step.with ?? {})) expect(declared).toContain(key)
      }
    }
  })
})

describe('workflow snippets in the docs', () => {
  it('the README has at least one', () => {
    expect(
      workflowSnippets().filter(s => s.name.startsWith('README.md')).length
    ).toBeGreaterThanOrEqual(1)
  })

  it.each(workflowSnippets().map(s => [s.name, s.content]))(
    '%s parses without errors',
    (name, content) => {
      expect(errorsOf(name, content)).toEqual([])
    }
  )
})

describe('action.yml', () => {
  it('parses with the action schema', () => {
    const result = parseAction(
      { name: 'action.yml', content: readFileSync('action.yml', 'utf8') },
      trace
    )
    expect(result.context.errors.getErrors().map(e => e.message)).toEqual([])
  })

  it('runs on node24 from dist/index.js', () => {
    const action = parseYaml(readFileSync('action.yml', 'utf8'))
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.branding).toBeDefined()
  })
})
