// Realistic layers shared by the hint tests: a Debian + Python base (python:3.11-like), an
// `apt-get install build-essential` layer with its dpkg database, and the seed story images.

import { dpkgFiles, filesUnder, type DpkgPkg, type FileSpec, type LayerDef } from './helpers.js'

// ---------------------------------------------------------------- a Debian + Python base

export const RUNTIME: DpkgPkg[] = [
  { name: 'base-files', kib: 390, files: [{ path: 'etc/debian_version', size: 5 }] },
  { name: 'bash', kib: 7000, files: [{ path: 'usr/bin/bash', size: 1_265_000 }] },
  {
    name: 'libc6',
    kib: 12985,
    multiArch: true,
    files: [
      { path: 'usr/lib/x86_64-linux-gnu/libc.so.6', size: 1_922_000 },
      { path: 'usr/lib/x86_64-linux-gnu/libm.so.6', size: 907_000 },
      { path: 'usr/share/doc/libc6/copyright', size: 25_000 }
    ]
  },
  {
    name: 'libgcc-s1',
    kib: 140,
    multiArch: true,
    files: [{ path: 'usr/lib/x86_64-linux-gnu/libgcc_s.so.1', size: 125_000 }]
  },
  {
    name: 'libstdc++6',
    kib: 2616,
    multiArch: true,
    files: [{ path: 'usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30', size: 2_260_000 }]
  },
  {
    name: 'gcc-12-base',
    kib: 120,
    multiArch: true,
    files: [{ path: 'usr/share/doc/gcc-12-base/copyright', size: 9_000 }]
  },
  {
    name: 'libgomp1',
    kib: 330,
    multiArch: true,
    files: [{ path: 'usr/lib/x86_64-linux-gnu/libgomp.so.1.0.0', size: 310_000 }]
  },
  {
    name: 'libatomic1',
    kib: 45,
    multiArch: true,
    files: [{ path: 'usr/lib/x86_64-linux-gnu/libatomic.so.1.2.0', size: 30_000 }]
  },
  {
    name: 'zlib1g',
    kib: 160,
    multiArch: true,
    files: [{ path: 'usr/lib/x86_64-linux-gnu/libz.so.1.2.13', size: 120_000 }]
  },
  {
    name: 'libssl3',
    kib: 6100,
    multiArch: true,
    files: [{ path: 'usr/lib/x86_64-linux-gnu/libssl.so.3', size: 700_000 }]
  }
]

export function rootfs(): FileSpec[] {
  return [
    ...dpkgFiles(RUNTIME, RUNTIME),
    // Slim images keep only the licences under /usr/share/doc.
    ...['bash', 'zlib1g', 'libssl3', 'base-files'].map(p => ({
      path: `usr/share/doc/${p}/copyright`,
      size: 8_000
    })),
    { path: 'usr/lib/locale/C.utf8/LC_CTYPE', size: 346_000 },
    { path: 'usr/lib/locale/C.utf8/LC_COLLATE', size: 1_400 },
    { path: 'etc/ld.so.cache', size: 18_000, content: 'ld-base' },
    { path: 'var/cache/debconf/templates.dat', size: 480_000, content: 'templates-base' },
    { path: 'var/log/dpkg.log', size: 150_000, content: 'dpkg-log-base' },
    { path: 'var/lib/apt/lists', kind: 'dir' },
    { path: 'tmp', kind: 'dir' }
  ]
}

export const PYTHON: LayerDef = {
  by: 'RUN set -eux; wget -O python.tar.xz "https://www.python.org/ftp/python/3.11.9/Python-3.11.9.tar.xz"; ./configure; make install',
  files: [
    { path: 'usr/local/bin/python3.11', size: 15_000 },
    { path: 'usr/local/lib/libpython3.11.so.1.0', size: 24_000_000 },
    ...filesUnder('usr/local/lib/python3.11/encodings', 40, 12_000, 'py'),
    { path: 'usr/local/include/python3.11/Python.h', size: 3_400 }
  ]
}

export const BASE: LayerDef[] = [
  { by: 'ADD file:4b03b5f5a1b4c2e6d7e8f9a0b1c2d3e4f5a6b7c8 in /', files: rootfs() },
  PYTHON
]

// ---------------------------------------------------------------- build-essential

export const BUILD_PKGS: DpkgPkg[] = [
  {
    name: 'build-essential',
    kib: 12,
    section: 'devel',
    files: [
      { path: 'usr/share/doc/build-essential/copyright', size: 1_800 },
      { path: 'usr/share/build-essential/essential-packages-list', size: 240 }
    ]
  },
  {
    name: 'gcc-12',
    kib: 68_000,
    section: 'devel',
    files: [
      { path: 'usr/bin/x86_64-linux-gnu-gcc-12', size: 1_010_000 },
      { path: 'usr/lib/gcc/x86_64-linux-gnu/12/lto1', size: 31_500_000 },
      { path: 'usr/lib/gcc/x86_64-linux-gnu/12/collect2', size: 420_000 },
      { path: 'usr/lib/gcc/x86_64-linux-gnu/12/liblto_plugin.so', size: 80_000 },
      { path: 'usr/share/doc/gcc-12/changelog.Debian.gz', size: 21_000 }
    ]
  },
  {
    name: 'cpp-12',
    kib: 34_500,
    section: 'interpreters',
    files: [
      { path: 'usr/bin/x86_64-linux-gnu-cpp-12', size: 1_010_000 },
      { path: 'usr/lib/gcc/x86_64-linux-gnu/12/cc1', size: 33_200_000 }
    ]
  },
  {
    name: 'g++-12',
    kib: 37_800,
    section: 'devel',
    files: [
      { path: 'usr/bin/x86_64-linux-gnu-g++-12', size: 1_010_000 },
      { path: 'usr/lib/gcc/x86_64-linux-gnu/12/cc1plus', size: 36_400_000 }
    ]
  },
  {
    name: 'libc6-dev',
    kib: 12_700,
    section: 'libdevel',
    multiArch: true,
    files: [
      { path: 'usr/include/stdio.h', size: 31_000 },
      { path: 'usr/include/x86_64-linux-gnu/bits/types.h', size: 7_800 },
      { path: 'usr/lib/x86_64-linux-gnu/libc.a', size: 6_100_000 },
      { path: 'usr/lib/x86_64-linux-gnu/libc_nonshared.a', size: 56_000 }
    ]
  },
  {
    name: 'linux-libc-dev',
    kib: 7_900,
    section: 'devel',
    files: filesUnder('usr/include/linux', 30, 50_000, 'h').map(f => ({
      path: f.path,
      size: f.size ?? 0
    }))
  },
  { name: 'make', kib: 1_600, section: 'devel', files: [{ path: 'usr/bin/make', size: 251_000 }] },
  {
    name: 'libisl23',
    kib: 7_700,
    multiArch: true,
    files: [{ path: 'usr/lib/x86_64-linux-gnu/libisl.so.23.2.0', size: 7_600_000 }]
  },
  {
    name: 'libmpc3',
    kib: 140,
    multiArch: true,
    files: [{ path: 'usr/lib/x86_64-linux-gnu/libmpc.so.3.3.1', size: 110_000 }]
  }
]

export const APT_LISTS: FileSpec[] = [
  { path: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease', size: 151_005 },
  {
    path: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4',
    size: 8_792_114
  },
  {
    path: 'var/lib/apt/lists/deb.debian.org_debian_dists_bookworm-updates_InRelease',
    size: 55_436
  },
  {
    path: 'var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4',
    size: 281_790
  },
  { path: 'var/lib/apt/lists/lock', size: 0 },
  { path: 'var/lib/apt/lists/partial', kind: 'dir' }
]

export const APT_INSTALL = 'RUN apt-get update && apt-get install -y build-essential'

export const APT_LAYER: LayerDef = {
  by: APT_INSTALL,
  files: [
    ...APT_LISTS,
    ...dpkgFiles([...RUNTIME, ...BUILD_PKGS], BUILD_PKGS),
    { path: 'usr/bin/gcc', kind: 'symlink', linkname: 'gcc-12' },
    { path: 'etc/ld.so.cache', size: 21_000, content: 'ld-apt' },
    { path: 'var/cache/debconf/templates.dat', size: 520_000, content: 'templates-apt' },
    { path: 'var/log/apt/term.log', size: 61_000 },
    { path: 'var/log/dpkg.log', size: 182_000, content: 'dpkg-log-apt' }
  ]
}

export const PIP_CACHE: FileSpec[] = [
  ...filesUnder('root/.cache/pip/http-v2/a/1/b/2/c', 6, 9_800_000),
  ...filesUnder('root/.cache/pip/wheels/9c/7a', 2, 1_250_000, 'whl'),
  { path: 'root/.cache/pip/selfcheck/241e69162522ccb5846a2f5f2b9cc5e5d1f0a5d6.json', size: 187 }
]

export const SITE_PACKAGES: FileSpec[] = [
  ...filesUnder('usr/local/lib/python3.11/site-packages/numpy/core', 10, 3_400_000, 'so'),
  ...filesUnder('usr/local/lib/python3.11/site-packages/pandas/_libs', 8, 2_900_000, 'so')
]

export function vanilla(pip: 'cache' | 'no-cache'): LayerDef[] {
  return [
    ...BASE,
    APT_LAYER,
    { by: 'WORKDIR /app', files: [{ path: 'app', kind: 'dir' }] },
    { by: 'COPY requirements.txt .', files: [{ path: 'app/requirements.txt', size: 212 }] },
    {
      by:
        pip === 'cache'
          ? 'RUN pip install -r requirements.txt'
          : 'RUN pip install --no-cache-dir -r requirements.txt',
      files: [...(pip === 'cache' ? PIP_CACHE : []), ...SITE_PACKAGES]
    },
    { by: 'COPY . .', files: [{ path: 'app/app.py', size: 3_100 }] }
  ]
}

/** Σ live sizes of the files the build packages own. */
export const BUILD_BYTES = BUILD_PKGS.flatMap(p => p.files ?? []).reduce((s, f) => s + f.size, 0)
