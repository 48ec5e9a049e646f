// Builds the benchmark image in the local engine: ~5 GB (or ~1 GB) in ~200k (~40k) files over
// several layers, with file and directory whiteouts, an opaque directory, a chmod copy-up
// (metadata rewrite), overwritten files and duplicates.
//
//   node scripts/bench/image.mjs --size 5GB|1GB [--rebuild]     prints the tag on stdout
//
// Why not RUN steps all the way: creating 200k files from a busybox shell costs a fork per
// file (~5 ms here, 15+ minutes). So the bulk is generated here as a docker-archive streamed
// into `docker load` (one pass, nothing on disk but the engine's own copy), and a short
// `docker build FROM` it adds the deletions, rewrites and duplicates with real RUN steps, so
// the whiteouts and copy-ups are the ones overlay2 makes. Content is fresh random bytes
// (incompressible) except the JS-like sources and logs (compressible text).
//
// The image is cached by tag; its label isg.bench.spec says which generator made it, so a
// change here rebuilds it.

import { spawn } from 'node:child_process'
import { createHash, randomFillSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { once } from 'node:events'
import { performance } from 'node:perf_hooks'

const SPEC = 'isg-bench-3'
const MiB = 1024 * 1024

const SIZES = { '5GB': 1, '1GB': 0.2 }

function parseArgs(argv) {
  const opts = { size: '5GB', rebuild: false }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--size') opts.size = argv[++i]
    else if (argv[i] === '--rebuild') opts.rebuild = true
    else throw new Error(`unknown argument ${argv[i]}`)
  }
  if (!(opts.size in SIZES)) throw new Error(`--size must be one of ${Object.keys(SIZES)}`)
  return opts
}

// ---------------------------------------------------------------------------------------------
// What the generated layers hold. Counts scale with the size; sizes come from a seeded PRNG
// so two builds have the same shape.

function prng(seed) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pad = (n, width) => String(n).padStart(width, '0')

/** Layers as lists of entries: { path, type: 'dir'|'file'|'symlink', size, content, target }. */
function plan(scale) {
  const rand = prng(42)
  const n = count => Math.max(1, Math.round(count * scale))
  const between = (lo, hi) => lo + Math.floor(rand() * (hi - lo))
  const layers = []

  const busybox = [dir('bin'), file('bin/busybox', 0, 'busybox', 0o755)]
  for (const applet of ['sh', 'rm', 'chmod', 'head', 'cp', 'mkdir', 'ls', 'cat', 'echo'])
    busybox.push({ path: `bin/${applet}`, type: 'symlink', target: 'busybox' })
  busybox.push(dir('tmp', 0o1777), dir('dev'), dir('proc'), dir('sys'), dir('etc'))
  layers.push({ name: 'busybox', createdBy: 'ADD busybox /bin/', entries: busybox })

  // A node_modules-like tree: many small random files, plus compressible sources.
  const deps = [dir('app'), dir('app/node_modules')]
  for (let p = 0; p < n(200); p++) {
    const pkg = `app/node_modules/pkg${pad(p, 3)}`
    deps.push(dir(pkg), dir(`${pkg}/lib`))
    for (let f = 0; f < 300; f++)
      deps.push(file(`${pkg}/f${pad(f, 4)}.bin`, between(256, 6 * 1024), 'random'))
    for (let f = 0; f < 200; f++)
      deps.push(file(`${pkg}/lib/m${pad(f, 4)}.js`, between(4 * 1024, 12 * 1024), 'text'))
  }
  layers.push({ name: 'deps', createdBy: 'COPY node_modules /app/node_modules', entries: deps })

  const assets = [dir('srv'), dir('srv/assets'), dir('srv/assets/tmp'), dir('srv/media')]
  for (let i = 0; i < n(20); i++)
    assets.push(file(`srv/assets/big${pad(i, 2)}.bin`, 100 * MiB, 'random'))
  for (let i = 0; i < 4; i++)
    assets.push(file(`srv/assets/tmp/part${i}.bin`, Math.round(64 * MiB * scale), 'random'))
  for (let i = 0; i < n(2000); i++)
    assets.push(file(`srv/media/img${pad(i, 5)}.jpg`, 128 * 1024, 'random'))
  layers.push({ name: 'assets', createdBy: 'COPY assets /srv/', entries: assets })

  const data = [dir('var'), dir('var/lib'), dir('var/lib/data'), dir('var/log'), dir('var/log/app')]
  for (let d = 0; d < n(150); d++) {
    data.push(dir(`var/lib/data/s${pad(d, 3)}`))
    for (let f = 0; f < 300; f++)
      data.push(file(`var/lib/data/s${pad(d, 3)}/r${pad(f, 4)}`, between(8, 32) * 1024, 'random'))
  }
  for (let i = 0; i < 50; i++)
    data.push(file(`var/log/app/app.${i}.log`, Math.round(4 * MiB * scale), 'text'))
  layers.push({ name: 'data', createdBy: 'RUN generate-data', entries: data })

  const tools = [dir('opt'), dir('opt/tool'), dir('opt/bundle')]
  for (let d = 0; d < n(100); d++) {
    tools.push(dir(`opt/tool/d${pad(d, 3)}`))
    for (let f = 0; f < 500; f++)
      tools.push(file(`opt/tool/d${pad(d, 3)}/t${pad(f, 4)}`, between(512, 4 * 1024), 'random'))
  }
  for (let i = 0; i < 10; i++)
    tools.push(file(`opt/bundle/part${i}.bin`, Math.round(80 * MiB * scale), 'random'))
  layers.push({ name: 'tools', createdBy: 'COPY tools /opt/', entries: tools })
  return layers
}

function dir(path, mode = 0o755) {
  return { path, type: 'dir', size: 0, mode }
}

function file(path, size, content, mode = 0o644) {
  return { path, type: 'file', size, content, mode }
}

/** RUN steps on top of the generated layers: what overlay2 makes of deletions and rewrites. */
function dockerfile(base, scale) {
  const rewrites = Math.max(1, Math.round(100 * scale))
  return `FROM ${base}
# File whiteouts (3,000 small files), a directory whiteout (/srv/assets/tmp), an opaque dir.
RUN rm /app/node_modules/pkg00[0-9]/f0[0-2]* && rm -rf /srv/assets/tmp && \\
    rm -rf /app/node_modules/pkg010 && mkdir -p /app/node_modules/pkg010 && \\
    echo '{"name":"pkg010"}' > /app/node_modules/pkg010/package.json
# Metadata rewrite (chmod copies the whole file up) and overwritten files.
RUN chmod 600 /srv/assets/big00.bin && \\
    i=0; while [ $i -lt ${rewrites} ]; do \\
      head -c 65536 /dev/urandom > /var/lib/data/s000/r$(printf %04d $i); i=$((i+1)); done
# Duplicates: identical content at a second live path.
RUN cp -r /var/lib/data/s001 /opt/backup
LABEL isg.bench.spec=${SPEC}
`
}

// ---------------------------------------------------------------------------------------------
// The docker-archive, written as one stream: layer tars first (hashed on the way for the
// config's diff_ids), then the config and manifest.json, which `docker load` reads at the end.

const BLOCK = 512

function paddedSize(size) {
  return Math.ceil(size / BLOCK) * BLOCK
}

function layerTarSize(entries) {
  let total = 2 * BLOCK // end-of-archive marker
  for (const e of entries) total += BLOCK + paddedSize(e.type === 'file' ? e.size : 0)
  return total
}

/** A ustar header (names here are < 100 bytes, so no prefix or PAX records). */
function header({ path, type, size = 0, mode = 0o644, target = '' }) {
  const b = Buffer.alloc(BLOCK)
  const name = type === 'dir' ? `${path}/` : path
  if (Buffer.byteLength(name) > 99) throw new Error(`name too long for the generator: ${name}`)
  b.write(name, 0)
  octal(b, 100, 8, mode)
  octal(b, 108, 8, 0)
  octal(b, 116, 8, 0)
  octal(b, 124, 12, type === 'file' ? size : 0)
  octal(b, 136, 12, 1700000000)
  b.fill(0x20, 148, 156)
  b.write(type === 'dir' ? '5' : type === 'symlink' ? '2' : '0', 156)
  b.write(target, 157)
  b.write('ustar\u000000', 257)
  b.write('root', 265)
  b.write('root', 297)
  let sum = 0
  for (let i = 0; i < BLOCK; i++) sum += b[i]
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148)
  return b
}

function octal(b, at, width, value) {
  b.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, at)
}

/** Buffers writes into large chunks for the pipe; hashes what the current layer adds. */
class Out {
  constructor(sink) {
    this.sink = sink
    this.buf = Buffer.allocUnsafe(4 * MiB)
    this.used = 0
    this.hash = undefined
  }

  async write(data) {
    this.hash?.update(data)
    let at = 0
    while (at < data.length) {
      const n = data.copy(this.buf, this.used, at)
      this.used += n
      at += n
      if (this.used === this.buf.length) await this.flush()
    }
  }

  async flush() {
    if (this.used === 0) return
    const chunk = Buffer.from(this.buf.subarray(0, this.used))
    this.used = 0
    if (!this.sink.write(chunk)) await once(this.sink, 'drain')
  }
}

const TEXT_POOL = (() => {
  const words = 'const module export function return value index require default async await'
  const lines = []
  for (let i = 0; i < 4000; i++)
    lines.push(
      `  ${words.split(' ')[i % 11]} v${i} = compute(${i}, "${(i * 7919).toString(36)}")\n`
    )
  return Buffer.from(lines.join(''))
})()

async function writeContent(out, e, busybox) {
  if (e.content === 'busybox') return out.write(busybox)
  const chunk = Buffer.allocUnsafe(Math.min(e.size, 4 * MiB))
  for (let left = e.size; left > 0; left -= chunk.length) {
    const part = chunk.subarray(0, Math.min(left, chunk.length))
    if (e.content === 'random') randomFillSync(part)
    else fillText(part, e.path, left)
    await out.write(part)
  }
}

function fillText(part, path, salt) {
  const start = (path.length * 131 + salt) % (TEXT_POOL.length - 1)
  let at = part.write(`// ${path} ${salt}\n`)
  let from = start
  while (at < part.length) {
    at += TEXT_POOL.copy(part, at, from)
    from = 0
  }
}

async function writeLayer(out, layer, busybox) {
  out.hash = createHash('sha256')
  for (const e of layer.entries) {
    await out.write(header(e))
    if (e.type !== 'file') continue
    await writeContent(out, e, busybox)
    const rest = paddedSize(e.size) - e.size
    if (rest > 0) await out.write(Buffer.alloc(rest))
  }
  await out.write(Buffer.alloc(2 * BLOCK))
  const diffId = `sha256:${out.hash.digest('hex')}`
  out.hash = undefined
  return diffId
}

async function writeArchive(sink, layers, tag) {
  const busybox = readFileSync(process.env.ISG_BUSYBOX ?? '/bin/busybox')
  layers[0].entries[1].size = busybox.length
  const out = new Out(sink)
  const diffIds = []
  for (const [i, layer] of layers.entries()) {
    const name = `layer${i}/layer.tar`
    await out.write(header({ path: name, type: 'file', size: layerTarSize(layer.entries) }))
    diffIds.push(await writeLayer(out, layer, busybox))
  }
  const config = Buffer.from(JSON.stringify(configJson(layers, diffIds)))
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`
  const manifest = Buffer.from(
    JSON.stringify([
      { Config: configName, RepoTags: [tag], Layers: layers.map((_, i) => `layer${i}/layer.tar`) }
    ])
  )
  for (const [path, bytes] of [
    [configName, config],
    ['manifest.json', manifest]
  ]) {
    await out.write(header({ path, type: 'file', size: bytes.length }))
    await out.write(Buffer.concat([bytes, Buffer.alloc(paddedSize(bytes.length) - bytes.length)]))
  }
  await out.write(Buffer.alloc(2 * BLOCK))
  await out.flush()
  sink.end()
}

function configJson(layers, diffIds) {
  return {
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Env: ['PATH=/bin'], Cmd: ['/bin/sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layers.map(l => ({ created: '2024-01-01T00:00:00Z', created_by: l.createdBy }))
  }
}

// ---------------------------------------------------------------------------------------------

function run(cmd, args, { input, quiet } = {}) {
  const child = spawn(cmd, args, {
    stdio: [input ? 'pipe' : 'ignore', quiet ? 'ignore' : process.stderr, process.stderr]
  })
  const done = new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', code =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code})`))
    )
  })
  return { child, done }
}

function capture(cmd, args) {
  return new Promise(resolve => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    child.stdout.on('data', d => (out += d))
    child.on('close', code => resolve(code === 0 ? out.trim() : undefined))
  })
}

async function loadBase(tag, scale) {
  const layers = plan(scale)
  const load = run('docker', ['load', '--quiet'], { input: true })
  await Promise.all([writeArchive(load.child.stdin, layers, tag), load.done])
  return layers
}

async function buildOnTop(base, tag, scale) {
  const context = mkdtempSync(join(tmpdir(), 'isg-bench-'))
  try {
    writeFileSync(join(context, 'Dockerfile'), dockerfile(base, scale))
    const build = run('docker', ['build', '--network=host', '-q', '-t', tag, context], {
      quiet: true
    })
    await build.done
  } finally {
    rmSync(context, { recursive: true, force: true })
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  const tag = `isg-bench/image:${opts.size.toLowerCase()}`
  const base = `isg-bench/base:${opts.size.toLowerCase()}`
  const spec = await capture('docker', [
    'image',
    'inspect',
    '--format',
    '{{index .Config.Labels "isg.bench.spec"}}',
    tag
  ])
  if (spec === SPEC && !opts.rebuild) {
    console.error(`bench image: ${tag} is up to date (${SPEC}); --rebuild to make it again`)
    console.log(tag)
    return
  }
  const scale = SIZES[opts.size]
  console.error(`bench image: generating ${tag} (docker load, then RUN steps)…`)
  const t0 = performance.now()
  await loadBase(base, scale)
  const t1 = performance.now()
  await buildOnTop(base, tag, scale)
  const t2 = performance.now()
  const s = ms => (ms / 1000).toFixed(1)
  console.error(
    `bench image: built ${tag} in ${s(t2 - t0)} s (docker load of the generated layers ${s(t1 - t0)} s, RUN steps ${s(t2 - t1)} s)`
  )
  console.log(tag)
}

main().catch(err => {
  console.error(`bench image: ${err.message}`)
  process.exit(1)
})
