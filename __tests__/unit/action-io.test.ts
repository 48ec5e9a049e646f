// Every input/output the code reads or sets is declared in action.yml, and every declared one
// is used by the code.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { Inputs, Outputs } from '../../src/constants.js'
import { VERSION } from '../../src/version.js'

const action = parseYaml(readFileSync('action.yml', 'utf8')) as {
  inputs: Record<string, { description?: string }>
  outputs: Record<string, { description?: string }>
}

function sources(dir = 'src'): { file: string; text: string }[] {
  return readdirSync(dir).flatMap(name => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return sources(p)
    return p.endsWith('.ts') ? [{ file: p, text: readFileSync(p, 'utf8') }] : []
  })
}

const code = sources().filter(s => s.file !== join('src', 'constants.ts'))

function enumMembersUsed(enumName: string, members: Record<string, string>): string[] {
  return Object.keys(members).filter(k =>
    code.some(s => new RegExp(`\\b${enumName}\\.${k}\\b`).test(s.text))
  )
}

describe('action.yml ↔ code', () => {
  it('declares exactly the inputs the code names', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort())
  })

  it('declares exactly the outputs the code names', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort())
  })

  it('uses every declared input and output somewhere in src/', () => {
    expect(enumMembersUsed('Inputs', Inputs).sort()).toEqual(Object.keys(Inputs).sort())
    expect(enumMembersUsed('Outputs', Outputs).sort()).toEqual(Object.keys(Outputs).sort())
  })

  it('never reads an input or sets an output by a string literal', () => {
    const literal = /\b(getInput|getBooleanInput|getMultilineInput|setOutput)\(\s*['"`]/
    expect(code.filter(s => literal.test(s.text)).map(s => s.file)).toEqual([])
  })

  it('documents every input and output', () => {
    for (const [name, def] of [
      ...Object.entries(action.inputs),
      ...Object.entries(action.outputs)
    ]) {
      expect([name, (def.description ?? '').length > 10]).toEqual([name, true])
    }
  })
})

describe('version', () => {
  it('src/version.ts equals package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version)
  })
})
