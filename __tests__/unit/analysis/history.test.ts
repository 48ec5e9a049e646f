import { describe, expect, it } from '@jest/globals'
import { mapHistory, normaliseCreatedBy, withoutBuildArgs } from '../../../src/analysis/history.js'
import { analyzeImage } from '../../../src/analysis/analyze.js'
import { image, layer } from '../../support/layers.js'

describe('normaliseCreatedBy', () => {
  it.each([
    ['/bin/sh -c #(nop)  ENV PATH=/usr/local/bin:/usr/bin', 'ENV PATH=/usr/local/bin:/usr/bin'],
    ['/bin/sh -c #(nop) ADD file:1a2b in / ', 'ADD file:1a2b in /'],
    ['/bin/sh -c #(nop)  CMD ["bash"]', 'CMD ["bash"]'],
    [
      '/bin/sh -c apt-get update &&     apt-get install -y gcc',
      'RUN apt-get update && apt-get install -y gcc'
    ],
    ['|2 A=1 B=two /bin/sh -c make install', 'RUN make install'],
    [
      'RUN /bin/sh -c pip install -r requirements.txt # buildkit',
      'RUN pip install -r requirements.txt'
    ],
    ['RUN |1 VERSION=3.12 /bin/sh -c echo $VERSION # buildkit', 'RUN echo $VERSION'],
    ['RUN /bin/bash -o pipefail -c curl x | sh # buildkit', 'RUN curl x | sh'],
    ['RUN /bin/busybox --install -s /bin # buildkit', 'RUN /bin/busybox --install -s /bin'],
    ['COPY --chown=app:app . /app # buildkit', 'COPY --chown=app:app . /app'],
    ['WORKDIR /app', 'WORKDIR /app'],
    ['/bin/busybox --install -s /bin', 'RUN /bin/busybox --install -s /bin'],
    ['', '(missing)'],
    [undefined, '(missing)']
  ])('%j → %j', (raw, expected) => {
    expect(normaliseCreatedBy(raw)).toBe(expected)
  })
})

describe('mapHistory', () => {
  it('gives each non-empty row the next layer and keeps empty rows in order', () => {
    const { history, layerHistory } = mapHistory(
      [
        { created_by: '/bin/sh -c #(nop) ADD file:x in /' },
        { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
        { created_by: 'ENV A=1', empty_layer: true, comment: 'buildkit.dockerfile.v0' },
        { created_by: 'RUN /bin/sh -c make # buildkit', comment: 'buildkit.dockerfile.v0' }
      ],
      2
    )
    expect(history.map(h => [h.createdBy, h.emptyLayer, h.layerIndex])).toEqual([
      ['ADD file:x in /', false, 0],
      ['CMD ["sh"]', true, undefined],
      ['ENV A=1', true, undefined],
      ['RUN make', false, 1]
    ])
    expect(layerHistory).toEqual([0, 3])
    expect(history[3].comment).toBe('buildkit.dockerfile.v0')
  })

  it('tolerates history shorter than the layers', () => {
    const { layerHistory } = mapHistory([{ created_by: 'RUN a' }], 3)
    expect(layerHistory).toEqual([0, undefined, undefined])
  })

  it('tolerates missing history and extra rows', () => {
    expect(mapHistory(undefined, 2).layerHistory).toEqual([undefined, undefined])
    const { history } = mapHistory([{ created_by: 'RUN a' }, { created_by: 'RUN b' }], 1)
    expect(history[1].layerIndex).toBeUndefined()
  })
})

describe('build-arg values never survive', () => {
  const SECRET = 'npm_S3CR3T part2 part3'
  const args = { NPM_TOKEN: SECRET, HOME_DIR: '/home/app' }
  const fragments = ['npm_S3CR3T', 'part2', 'part3']

  it.each([
    [
      'BuildKit',
      `RUN |2 NPM_TOKEN=${SECRET} HOME_DIR=/home/app /bin/sh -c npm ci # buildkit`,
      'RUN npm ci'
    ],
    ['legacy builder', `|2 NPM_TOKEN=${SECRET} HOME_DIR=/home/app /bin/sh -c npm ci`, 'RUN npm ci'],
    [
      'bash with options',
      `RUN |1 NPM_TOKEN=${SECRET} /bin/bash -o pipefail -c npm ci | tee x # buildkit`,
      'RUN npm ci | tee x'
    ],
    ['a value with runs of spaces', `|1 NPM_TOKEN=a  b   c /bin/sh -c make`, 'RUN make']
  ])('%s: the prefix with a spaced value is gone, without args known', (_, raw, want) => {
    expect(normaliseCreatedBy(raw)).toBe(want)
  })

  it.each([
    ['BuildKit', `RUN |2 NPM_TOKEN=${SECRET} HOME_DIR=/home/app /bin/sh -c npm ci # buildkit`],
    ['legacy builder', `|2 NPM_TOKEN=${SECRET} HOME_DIR=/home/app /bin/sh -c npm ci`],
    [
      'exec form',
      `RUN |2 NPM_TOKEN=${SECRET} HOME_DIR=/home/app /bin/busybox --install # buildkit`
    ],
    ['the pair elsewhere', `/bin/sh -c #(nop)  LABEL x=NPM_TOKEN=${SECRET}`]
  ])('%s: the exact KEY=value of every passed arg is removed', (_, raw) => {
    const out = normaliseCreatedBy(withoutBuildArgs(raw, args))
    for (const f of fragments) expect(out).not.toContain(f)
  })

  it('keeps the rest of the instruction and the exec form readable', () => {
    expect(
      normaliseCreatedBy(
        withoutBuildArgs(`RUN |1 NPM_TOKEN=${SECRET} /bin/busybox --install # buildkit`, {
          NPM_TOKEN: SECRET
        })
      )
    ).toBe('RUN /bin/busybox --install')
    expect(withoutBuildArgs('x', undefined)).toBe('x')
    expect(withoutBuildArgs(undefined, args)).toBeUndefined()
  })
})

describe('layers without history', () => {
  function named(history: { created_by?: string }[], fromImage?: string, baseLayers = 0) {
    const data = image([layer({ path: 'a', size: 1 }), layer({ path: 'b', size: 2 }), layer()])
    data.config.history = history
    return analyzeImage(data, {
      toolVersion: 't',
      ...(fromImage ? { fromImage } : {}),
      ...(baseLayers ? { base: { layers: baseLayers, source: 'from-image' as const } } : {})
    }).report.image.layers.map(l => l.createdBy)
  }

  it('names a base layer after the FROM image when it is known', () => {
    expect(named([{ created_by: '' }, { created_by: 'RUN make' }], 'debian:bookworm', 1)).toEqual([
      'FROM debian:bookworm',
      'RUN make',
      '(no history)'
    ])
  })

  it('says "base image layer" for bottom layers without history, never a bare (missing)', () => {
    expect(named([{}, { created_by: 'RUN make' }])).toEqual([
      '(base image layer, no history)',
      'RUN make',
      '(no history)'
    ])
  })
})
