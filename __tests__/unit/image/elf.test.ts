// The ELF reader against real binaries built with gcc here, checked against `readelf -S`/`-l`
// (binutils) as the independent truth, through the streaming path a layer read takes.
import { beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { ElfProbe, ELF_TAIL_BYTES } from '../../../src/image/layer/elf.js'
import { readLayer } from '../../../src/image/layer/read-layer.js'
import type { ElfInfo } from '../../../src/image/types.js'
import { layerTar } from '../../support/image-fixtures.js'

function need(tool: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`])
  } catch {
    throw new Error(`${tool} is needed for this test (scripts/ensure-tools.sh installs it)`)
  }
}

const dir = mkdtempSync(join(tmpdir(), 'isg-elf-'))
// 3 MB of data (the file is larger than the kept head and tail) and 3000 functions, whose
// debug information and symbols make the sections strip removes large against its overhead.
const FUNCS = Array.from(
  { length: 3000 },
  (_, i) =>
    `int helper_${i}(int x, int y) { int local_${i} = x * ${i} + y; return local_${i} ^ pad[${i}]; }`
).join('\n')
const SRC = `#include <stdio.h>
static const char pad[3000000] = {1};
${FUNCS}
int main(int argc, char **argv) { printf("%d\\n", helper_7(argc, 2)); return 0; }
`

function gcc(name: string, args: string[]): string {
  const out = join(dir, name)
  execFileSync('gcc', [...args, '-o', out, join(dir, 'm.c')])
  return out
}

/** Section name → size, from `readelf -S -W`. */
function readelfSections(file: string): Map<string, number> {
  const text = execFileSync('readelf', ['-S', '-W', file], { encoding: 'utf8' })
  const m = new Map<string, number>()
  for (const line of text.split('\n')) {
    const r = /\]\s+(\S+)\s+(\S+)\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(line)
    if (r) m.set(r[1] as string, parseInt(r[3] as string, 16))
  }
  return m
}

function probe(data: Buffer, chunk = 4096): ElfInfo | undefined {
  const p = new ElfProbe(data.length)
  for (let at = 0; at < data.length; at += chunk) p.write(data.subarray(at, at + chunk))
  return p.finish()
}

function expectedStrippable(file: string): number {
  let total = 0
  for (const [name, size] of readelfSections(file)) {
    if (name === '.symtab' || name === '.strtab' || /^\.z?debug_/.test(name)) total += size
  }
  return total
}

let debug: string, stripped: string, staticBin: string
beforeAll(() => {
  need('gcc')
  need('readelf')
  need('strip')
  writeFileSync(join(dir, 'm.c'), SRC)
  debug = gcc('debug', ['-g', '-O0'])
  stripped = join(dir, 'stripped')
  execFileSync('strip', ['--strip-unneeded', '-o', stripped, debug])
  staticBin = gcc('static', ['-static', '-g'])
})

describe('ElfProbe', () => {
  it('finds .symtab, .strtab and .debug_* with the sizes readelf gives', () => {
    const info = probe(readFileSync(debug)) as ElfInfo
    const truth = readelfSections(debug)
    expect(info.namesRead).toBe(true)
    const names = info.strippable.map(s => s.name).sort()
    expect(names).toContain('.symtab')
    expect(names).toContain('.strtab')
    expect(names.some(n => n.startsWith('.debug_'))).toBe(true)
    for (const s of info.strippable) expect(s.bytes).toBe(truth.get(s.name))
    const sum = info.strippable.reduce((a, s) => a + s.bytes, 0)
    expect(sum).toBe(expectedStrippable(debug))
    // what strip saves: within 5 % of the sections' sum (alignment and section headers)
    const saved = readFileSync(debug).length - readFileSync(stripped).length
    expect(Math.abs(saved - sum) / saved).toBeLessThan(0.05)
    expect(info.interp).toBe(true)
    expect(info.needed).toBeGreaterThanOrEqual(1)
    expect(info.go).toBe(false)
  })

  it('reports nothing to strip on a stripped binary', () => {
    const info = probe(readFileSync(stripped)) as ElfInfo
    expect(info.sectionsRead).toBe(true)
    expect(info.strippable).toEqual([])
  })

  it('tells a static binary (no PT_INTERP, no DT_NEEDED) from a dynamic one', () => {
    const info = probe(readFileSync(staticBin), 65536) as ElfInfo
    const phdrs = execFileSync('readelf', ['-l', '-W', staticBin], { encoding: 'utf8' })
    expect(phdrs.includes('INTERP')).toBe(false)
    expect(info.interp).toBe(false)
    expect(info.needed ?? 0).toBe(0)
  })

  it('reads names it did not keep the middle of: the file is larger than head + tail', () => {
    const data = readFileSync(debug)
    expect(data.length).toBeGreaterThan(ELF_TAIL_BYTES + 64 * 1024)
    const info = probe(data, 1000) as ElfInfo
    expect(info.strippable.reduce((a, s) => a + s.bytes, 0)).toBe(expectedStrippable(debug))
  })

  it('leaves a non-ELF file alone, and a truncated header', () => {
    expect(probe(Buffer.alloc(5000, 7))).toBeUndefined()
    expect(probe(readFileSync(debug).subarray(0, 40))).toBeUndefined()
  })

  it('recognises a Go binary by its .note.go.buildid section name', () => {
    // the stripped C binary with a section named like Go's (objcopy renames nothing else)
    const go = join(dir, 'go-like')
    execFileSync('objcopy', ['--add-section', `.note.go.buildid=${join(dir, 'm.c')}`, debug, go])
    const info = probe(readFileSync(go)) as ElfInfo
    expect(info.go).toBe(true)
  })
})

describe('Go binaries', () => {
  it('finds .note.go.buildid and the sections -ldflags="-s -w" removes, within 5 % of its saving', () => {
    need('go')
    const src = join(dir, 'go')
    mkdirSync(src, { recursive: true })
    writeFileSync(
      join(src, 'main.go'),
      'package main\n\nimport (\n\t"fmt"\n\t"net/http"\n)\n\nfunc main() { fmt.Println(http.StatusOK) }\n'
    )
    writeFileSync(join(src, 'go.mod'), 'module example.com/isg\n\ngo 1.19\n')
    const env = {
      ...process.env,
      HOME: src,
      GOCACHE: join(src, 'cache'),
      GOTOOLCHAIN: 'local',
      GOFLAGS: '',
      CGO_ENABLED: '0'
    }
    const full = join(src, 'full')
    const small = join(src, 'small')
    execFileSync('go', ['build', '-o', full, '.'], { cwd: src, env })
    execFileSync('go', ['build', '-ldflags=-s -w', '-o', small, '.'], { cwd: src, env })
    const info = probe(readFileSync(full), 32768) as ElfInfo
    expect(info.go).toBe(true)
    const sum = info.strippable.reduce((a, s) => a + s.bytes, 0)
    expect(sum).toBe(expectedStrippable(full))
    const saved = readFileSync(full).length - readFileSync(small).length
    expect(Math.abs(saved - sum) / saved).toBeLessThan(0.05)
    const smallInfo = probe(readFileSync(small)) as ElfInfo
    expect(smallInfo.strippable).toEqual([])
    expect(smallInfo.interp).toBe(false)
  })
})

describe('readLayer', () => {
  it('keeps ElfInfo per ELF path, streamed through the tar', async () => {
    const tar = await layerTar([
      { path: 'app/bin', content: readFileSync(debug), mode: 0o755 },
      { path: 'app/readme.txt', content: 'hello' }
    ])
    const read = await readLayer(Readable.from([tar]))
    expect([...(read.elf?.keys() ?? [])]).toEqual(['app/bin'])
    // chunks of 3 bytes: the magic arrives split
    const small = await layerTar([
      { path: 'bin', content: readFileSync(stripped).subarray(0, 4096) }
    ])
    const pieces: Buffer[] = []
    for (let at = 0; at < small.length; at += 3) pieces.push(small.subarray(at, at + 3))
    const split = await readLayer(Readable.from(pieces))
    expect(split.elf?.get('bin')?.interp).toBe(true)
    const info = read.elf?.get('app/bin') as ElfInfo
    expect(info.strippable.reduce((a, s) => a + s.bytes, 0)).toBe(expectedStrippable(debug))
  })
})
