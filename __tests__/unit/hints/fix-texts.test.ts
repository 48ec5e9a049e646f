// Issue #17: fixes are checked against the instruction they name. A COPY that names a cache
// folder is never told to .dockerignore it; the apt cache mount goes on the lists; the
// Dockerfile's own instruction is quoted, not the classic builder's `COPY dir:<hash> in /app`.

import { describe, expect, it } from '@jest/globals'
import { detectHints } from '../../../src/analysis/hints/index.js'
import { copyNames } from '../../../src/analysis/hints/language-caches.js'
import { mapDockerfileToHistory } from '../../../src/dockerfile/index.js'
import { build, filesUnder, only, type LayerDef } from './helpers.js'

const BASE: LayerDef = {
  by: 'ADD file:0a1b in /',
  files: [{ path: 'usr/lib/x86_64-linux-gnu/libc.so.6', size: 1_922_000 }]
}

describe('copyNames', () => {
  it.each([
    ['COPY .m2 /root/.m2', '/root/.m2/repository', true],
    ['COPY --chown=app:app .m2/ /root/.m2/', '/root/.m2/repository', true],
    ['COPY ["cache/.m2", "/root/.m2"]', '/root/.m2/repository', true],
    ['COPY . /app', '/app/.m2/repository', false],
    ['COPY ./ /root/', '/root/.m2/repository', false],
    ['COPY dir:a0b154e4 in /root/.m2', '/root/.m2/repository', false],
    ['COPY pom.xml src /app/', '/app/.m2/repository', false]
  ])('%s names %s: %s', (instruction, dir, expected) => {
    expect(copyNames(instruction, dir)).toBe(expected)
  })
})

function withDockerfile(layers: LayerDef[], dockerfile: string) {
  const { analysis, contents } = build([BASE, ...layers], { base: 1 })
  const map = mapDockerfileToHistory(dockerfile, 'Dockerfile', analysis.report.image.history)
  return detectHints(analysis, { contents, dockerfile: map })
}

/** A later RUN: the anchor that lets the Dockerfile match a classic builder's history. */
const TRUE: LayerDef = { by: 'RUN /bin/sh -c true', files: [{ path: 'etc/ok', size: 1 }] }

describe('maven-repo brought by a COPY', () => {
  const repo = filesUnder('root/.m2/repository/org/x', 5, 400_000, 'jar')

  it('a COPY of the folder by name: drop the COPY, never .dockerignore', () => {
    const hints = withDockerfile(
      [{ by: 'COPY dir:a0b154e4 in /root/.m2', files: repo }, TRUE],
      'FROM debian:bookworm\nCOPY .m2 /root/.m2\nRUN true\n'
    )
    const h = only(hints, 'maven-repo')
    expect(h.fix).toContain(
      '`COPY .m2 /root/.m2` copies /root/.m2/repository by name: drop that COPY'
    )
    expect(h.fix).not.toContain('add it to .dockerignore')
  })

  it('a COPY of the whole context: .dockerignore is right', () => {
    const hints = withDockerfile(
      [{ by: 'COPY dir:a0b154e4 in /root/', files: repo }, TRUE],
      'FROM debian:bookworm\nCOPY . /root/\nRUN true\n'
    )
    expect(only(hints, 'maven-repo').fix).toContain(
      '`COPY . /root/` copies /root/.m2/repository into the image: add it to .dockerignore'
    )
  })
})

describe('metadata-rewrite quotes the Dockerfile', () => {
  it('names `COPY app/ /app`, not the history text', () => {
    const hints = withDockerfile(
      [
        { by: 'COPY dir:a0b154e4c3 in /app', files: [{ path: 'app/model.bin', size: 5_000_000 }] },
        {
          by: 'RUN /bin/sh -c chown -R app:app /app',
          files: [{ path: 'app/model.bin', size: 5_000_000, content: 'app/model.bin:5000000' }]
        }
      ],
      'FROM debian:bookworm\nCOPY app/ /app\nRUN chown -R app:app /app\n'
    )
    const h = only(hints, 'metadata-rewrite')
    expect(h.fix).toContain('use `COPY --chown=app:app …` in `COPY app/ /app`')
    expect(h.fix).not.toContain('dir:a0b154e4')
  })
})

describe('apt cache mounts', () => {
  it('apt-lists mounts only the lists and says why', () => {
    const hints = withDockerfile(
      [{ by: 'RUN apt-get update', files: filesUnder('var/lib/apt/lists', 3, 500_000, 'lz4') }],
      'FROM debian:bookworm\nRUN apt-get update\n'
    )
    const fix = only(hints, 'apt-lists').fix
    expect(fix).toContain('`RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked …`')
    expect(fix).not.toContain('target=/var/cache/apt')
    expect(fix).toContain('docker-clean hook empties /var/cache/apt')
  })
})
