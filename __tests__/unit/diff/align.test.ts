import { describe, expect, it } from '@jest/globals'
import { alignLayers, alignmentKey } from '../../../src/diff/align.js'
import type { LayerSummary } from '../../../src/model.js'

function L(createdBy: string, diffId = createdBy): LayerSummary {
  return {
    index: 0,
    diffId: `sha256:${diffId}`,
    createdBy,
    bytes: 1,
    tarBytes: 1,
    compression: 'none',
    files: 1,
    entries: 1,
    base: false,
    topFiles: [],
    topDirs: []
  }
}

const show = (pairs: { before?: number; after?: number }[]) =>
  pairs.map(p => `${p.before ?? '-'}:${p.after ?? '-'}`)

describe('alignLayers', () => {
  const base = [L('ADD rootfs'), L('RUN apt-get install gcc'), L('COPY . /app'), L('RUN make')]

  it('pairs identical images one to one', () => {
    expect(show(alignLayers(base, base))).toEqual(['0:0', '1:1', '2:2', '3:3'])
  })

  it('keeps later layers paired when one RUN is inserted', () => {
    const after = [
      base[0],
      base[1],
      L('RUN pip install x'),
      L('COPY . /app', 'v2'),
      L('RUN make', 'v2')
    ]
    expect(show(alignLayers(base, after))).toEqual(['0:0', '1:1', '-:2', '2:3', '3:4'])
  })

  it('shows a removed layer where it used to be', () => {
    const after = [base[0], base[2], base[3]]
    expect(show(alignLayers(base, after))).toEqual(['0:0', '1:-', '2:1', '3:2'])
  })

  it('pairs a changed instruction text as removed + added', () => {
    const after = [base[0], L('RUN apt-get install gcc g++'), base[2], base[3]]
    expect(show(alignLayers(base, after))).toEqual(['0:0', '1:-', '-:1', '2:2', '3:3'])
  })

  it('pairs identical content even when the instruction text changed', () => {
    const after = [
      base[0],
      L('RUN apt-get install  gcc # reformatted', base[1].diffId.slice(7)),
      base[2],
      base[3]
    ]
    expect(show(alignLayers(base, after))).toEqual(['0:0', '1:1', '2:2', '3:3'])
  })

  it('handles reordered steps with the longest common subsequence', () => {
    const after = [base[0], base[2], base[1], base[3]]
    const pairs = alignLayers(base, after)
    expect(pairs.filter(p => p.before !== undefined && p.after !== undefined).length).toBe(3)
    expect(show(pairs)).toContain('0:0')
    expect(show(pairs)).toContain('3:3')
  })

  it('pairs own layers by instruction after a base image swap', () => {
    const before = [
      L('ADD file:aaa in /', 'deb11'),
      L('CMD ["bash"]', 'x'),
      L('COPY . /app', 'a'),
      L('RUN make', 'm')
    ]
    const after = [L('ADD file:bbb in /', 'deb12'), L('COPY . /app', 'a2'), L('RUN make', 'm2')]
    expect(show(alignLayers(before, after))).toEqual(['0:-', '1:-', '-:0', '2:1', '3:2'])
  })

  it('handles empty sides', () => {
    expect(show(alignLayers([], base.slice(0, 2)))).toEqual(['-:0', '-:1'])
    expect(show(alignLayers(base.slice(0, 1), []))).toEqual(['0:-'])
  })
})

describe('alignmentKey', () => {
  it('ignores the content hash the legacy builder puts in COPY', () => {
    expect(alignmentKey(`COPY file:${'a'.repeat(64)} in /app`)).toBe(
      alignmentKey(`COPY file:${'b'.repeat(64)} in /app`)
    )
  })
})
