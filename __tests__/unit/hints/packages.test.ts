import { describe, expect, it } from '@jest/globals'
import {
  isBuildPackage,
  parseApkInstalled,
  parseDpkgStatus
} from '../../../src/analysis/hints/index.js'
import { apkInstalled } from './helpers.js'

describe('parseDpkgStatus', () => {
  const status = [
    'Package: libc6',
    'Status: install ok installed',
    'Priority: optional',
    'Section: libs',
    'Installed-Size: 12985',
    'Architecture: amd64',
    'Multi-Arch: same',
    'Version: 2.36-9+deb12u7',
    'Description: GNU C Library: Shared libraries',
    ' Contains the standard libraries that are used by nearly all programs on',
    ' the system.',
    ' Package: not-a-field, a description line',
    '',
    'Package: gcc-12',
    'Status: deinstall ok config-files',
    'Installed-Size: 68000',
    'Architecture: amd64',
    '',
    'Package: make',
    'Status: hold ok installed',
    'Installed-Size: 1600',
    'Architecture: amd64',
    '',
    'Package: half',
    'Status: install reinstreq half-installed',
    'Installed-Size: 10',
    ''
  ].join('\r\n')

  it('keeps installed packages with Installed-Size in KiB', () => {
    const pkgs = parseDpkgStatus(status, 'var/lib/dpkg/status')
    expect(pkgs.map(p => [p.name, p.installedBytes, p.arch])).toEqual([
      ['libc6', 12985 * 1024, 'amd64'],
      ['make', 1600 * 1024, 'amd64']
    ])
  })

  it('takes every stanza of a distroless status.d file (no Status field)', () => {
    const pkgs = parseDpkgStatus(
      'Package: libssl3\nInstalled-Size: 6100\nArchitecture: amd64\n',
      'var/lib/dpkg/status.d/libssl3',
      false
    )
    expect(pkgs).toEqual([
      {
        name: 'libssl3',
        manager: 'dpkg',
        arch: 'amd64',
        installedBytes: 6100 * 1024,
        source: 'var/lib/dpkg/status.d/libssl3'
      }
    ])
  })
})

describe('parseApkInstalled', () => {
  it('reads P/V/A, I in bytes, and F/R file lists', () => {
    const text = apkInstalled([
      { name: 'musl', bytes: 700_000, files: [{ path: 'lib/ld-musl-x86_64.so.1', size: 1 }] },
      {
        name: 'gcc',
        bytes: 50_000_000,
        files: [
          { path: 'usr/bin/gcc', size: 1 },
          { path: 'usr/libexec/gcc/x86_64-alpine-linux-musl/13.2.1/cc1', size: 1 }
        ]
      },
      { name: '.build-deps', bytes: 0 }
    ])
    const pkgs = parseApkInstalled(text, 'lib/apk/db/installed')
    expect(pkgs.map(p => [p.name, p.installedBytes, p.files, p.virtual ?? false])).toEqual([
      ['musl', 700_000, ['lib/ld-musl-x86_64.so.1'], false],
      [
        'gcc',
        50_000_000,
        ['usr/bin/gcc', 'usr/libexec/gcc/x86_64-alpine-linux-musl/13.2.1/cc1'],
        false
      ],
      ['.build-deps', 0, [], true]
    ])
    expect(pkgs[0]).toMatchObject({ version: '1.0-r0', arch: 'x86_64', manager: 'apk' })
  })
})

describe('isBuildPackage', () => {
  const dpkg = (name: string) => isBuildPackage({ name, manager: 'dpkg' })
  const apk = (name: string, virtual = false) => isBuildPackage({ name, manager: 'apk', virtual })

  it.each([
    'build-essential',
    'gcc',
    'gcc-12',
    'g++-12',
    'cpp-12',
    'cpp',
    'gcc-14-x86-64-linux-gnu',
    'cpp-14-x86-64-linux-gnu',
    'gfortran-12',
    'libc6-dev',
    'libc-dev-bin',
    'linux-libc-dev',
    'libgcc-12-dev',
    'libstdc++-12-dev',
    'python3-dev',
    'libpython3.11-dev',
    'libssl-dev',
    'libpq-dev',
    'binutils',
    'binutils-x86-64-linux-gnu',
    'binutils-common',
    'libbinutils',
    'libctf0',
    'libgprofng0',
    'make',
    'cmake',
    'cmake-data',
    'autoconf',
    'automake',
    'libtool',
    'pkg-config',
    'pkgconf',
    'dpkg-dev',
    'clang-16',
    'llvm-16',
    'golang-1.19-go',
    'golang-go',
    'rustc',
    'cargo',
    'openjdk-17-jdk-headless',
    'default-jdk',
    'libisl23',
    'libmpc3',
    'libcc1-0',
    'libasan8',
    'libtsan2',
    'libubsan1'
  ])('dpkg %s is a build package', name => {
    expect(dpkg(name)).toBe(true)
  })

  it.each([
    'libgcc-s1',
    'libgcc1',
    'libstdc++6',
    'libgomp1',
    'libatomic1',
    'libquadmath0',
    'libgfortran5',
    'libitm1',
    'gcc-12-base',
    'gcc-14-base',
    'libc6',
    'libc-bin',
    'libmpfr6',
    'libgmp10',
    'libssl3',
    'zlib1g',
    'python3',
    'python3.11',
    'libpython3.11',
    'openjdk-17-jre-headless',
    'udev',
    'git',
    'perl',
    'manpages',
    'libllvm16',
    'libclang-cpp16'
  ])('dpkg %s is not a build package', name => {
    expect(dpkg(name)).toBe(false)
  })

  it('apk: build-base and friends are build tools, libgcc/libstdc++/musl are not', () => {
    for (const n of [
      'build-base',
      'alpine-sdk',
      'gcc',
      'g++',
      'musl-dev',
      'linux-headers',
      'make',
      'cmake',
      'go',
      'rust',
      'cargo',
      'openjdk17-jdk',
      'zlib-dev',
      'isl26',
      'mpc1'
    ]) {
      expect([n, apk(n)]).toEqual([n, true])
    }
    for (const n of [
      'musl',
      'libgcc',
      'libstdc++',
      'libgomp',
      'libatomic',
      'gmp',
      'mpfr4',
      'openjdk17-jre',
      'python3',
      'git'
    ]) {
      expect([n, apk(n)]).toEqual([n, false])
    }
  })

  it('apk virtual packages: .build-deps yes, .rundeps no', () => {
    expect(apk('.build-deps', true)).toBe(true)
    expect(apk('.fetch-deps', true)).toBe(true)
    expect(apk('.rundeps', true)).toBe(false)
    expect(apk('.python-rundeps', true)).toBe(false)
  })
})
