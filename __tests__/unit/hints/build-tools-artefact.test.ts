// build-tools, issue #17: the artefact the fix names is what the container runs that the
// Dockerfile's own layers added and no package owns; runtime files under a JDK are not build
// tools; maven is one; the fix text counts the same packages the hint lists.

import { describe, expect, it } from '@jest/globals'
import { detectHints } from '../../../src/analysis/hints/index.js'
import { isBuildPackage } from '../../../src/analysis/hints/packages.js'
import { build, dpkgFiles, only, type BuildOpts, type DpkgPkg, type LayerDef } from './helpers.js'

const BASE: LayerDef = {
  by: 'ADD file:0a1b in /',
  files: [{ path: 'usr/lib/x86_64-linux-gnu/libc.so.6', size: 1_922_000 }]
}

const JRE: DpkgPkg = {
  name: 'openjdk-17-jre-headless',
  kib: 200_000,
  files: [
    { path: 'usr/lib/jvm/java-17-openjdk-amd64/lib/modules', size: 40_000_000 },
    { path: 'usr/lib/jvm/java-17-openjdk-amd64/lib/ct.sym', size: 9_000_000 },
    { path: 'usr/bin/openssl', size: 1_000_000 }
  ]
}
const JDK: DpkgPkg = {
  name: 'openjdk-17-jdk-headless',
  kib: 30_000,
  files: [
    { path: 'usr/lib/jvm/java-17-openjdk-amd64/bin/javac', size: 20_000 },
    { path: 'usr/lib/jvm/java-17-openjdk-amd64/jmods/java.base.jmod', size: 20_000_000 }
  ]
}
const MAVEN: DpkgPkg = {
  name: 'maven',
  kib: 10_000,
  files: [{ path: 'usr/share/maven/lib/maven-core.jar', size: 5_000_000 }]
}

function javaImage(opts: BuildOpts, app: LayerDef['files']) {
  const pkgs = [JRE, JDK, MAVEN]
  return build(
    [
      BASE,
      { by: 'RUN apt-get install -y openjdk-17-jdk-headless maven', files: dpkgFiles(pkgs, pkgs) },
      { by: 'COPY . /src', files: app }
    ],
    { base: 1, ...opts }
  )
}

describe('build-tools on a Java image', () => {
  const app = [
    { path: 'src/pom.xml', size: 3_000 },
    { path: 'opt/app.jar', size: 8_000_000 },
    { path: 'usr/local/bin/big-helper', size: 30_000_000, mode: 0o755 }
  ]

  it('names the jar the Cmd runs, not a package-owned or larger executable', () => {
    const { analysis, contents } = javaImage({ cmd: ['java', '-jar', '/opt/app.jar'] }, app)
    const h = only(detectHints(analysis, { contents }), 'build-tools')
    expect(h.fix).toContain('`COPY --from=build` only /opt/app.jar into a slim final stage')
    expect(h.fix).not.toContain('/usr/bin/openssl')
    expect(h.fix).not.toContain('big-helper')
  })

  it('counts the JDK and maven, never the JRE files under the same tree (ct.sym)', () => {
    const { analysis, contents } = javaImage({ cmd: ['java', '-jar', '/opt/app.jar'] }, app)
    const h = only(detectHints(analysis, { contents }), 'build-tools')
    expect(h.bytes).toBe(20_000 + 20_000_000 + 5_000_000)
    expect((h.packages ?? []).map(p => p.path)).toEqual(['openjdk-17-jdk-headless', 'maven'])
    expect(h.fix).toMatch(
      /^2 build packages \(openjdk-17-jdk-headless \(20\.0 MB\), maven \(5\.00 MB\)\)/
    )
  })

  it('names the WORKDIR that holds the script an interpreter runs', () => {
    const { analysis, contents } = javaImage({ cmd: ['java', 'Main.java'], workdir: '/src' }, [
      { path: 'src/Main.java', size: 3_000 }
    ])
    const h = only(detectHints(analysis, { contents }), 'build-tools')
    expect(h.fix).toContain('only /src into a slim final stage')
  })

  it('without anything the Dockerfile built that the container runs: the largest own unowned executable', () => {
    const { analysis, contents } = javaImage({ cmd: ['sh'] }, app)
    const h = only(detectHints(analysis, { contents }), 'build-tools')
    expect(h.fix).toContain('only /usr/local/bin/big-helper')
  })
})

describe('the fix text counts the listed packages', () => {
  it('says how many there are and that the 20 largest are listed', () => {
    const many: DpkgPkg[] = Array.from({ length: 25 }, (_, i) => ({
      name: `lib${i}-dev`,
      kib: 100,
      files: [{ path: `usr/include/h${i}.h`, size: 200_000 + i }]
    }))
    const { analysis, contents } = build(
      [BASE, { by: 'RUN apt-get install -y libs', files: dpkgFiles(many, many) }],
      { base: 1 }
    )
    const h = only(detectHints(analysis, { contents }), 'build-tools')
    expect(h.packages).toHaveLength(20)
    expect(h.fix).toMatch(
      /^25 build packages \(lib24-dev \(200 kB\), lib23-dev \(200 kB\), lib22-dev \(200 kB\), …; the 20 largest are listed in the hint\)/
    )
  })
})

describe('isBuildPackage: Java and Node build tools', () => {
  it.each(['maven', 'gradle', 'ant', 'node-gyp'])('%s is a build tool', name => {
    expect(isBuildPackage({ name, manager: 'dpkg' })).toBe(true)
  })
  it.each(['openjdk-17-jre-headless', 'libpython3.11', 'nodejs'])('%s is not', name => {
    expect(isBuildPackage({ name, manager: 'dpkg' })).toBe(false)
  })
})
