// Times reading an image from a registry on 127.0.0.1 (Debian's docker-registry, started here
// on a free port with its own storage, never the system service): `skopeo copy docker://…
// oci:DIR` (the download alone, to disk) against `image-size-guard analyze docker://… --json`
// (the full analysis, layers streamed through the readers) and `analyze --fast` (manifests and
// configs only), interleaved, N runs each after one untimed round. Figures only: nothing here
// fails on a slow time.
//
//   node scripts/bench/registry.mjs --image TAG [--runs 3] [--cli dist/cli/index.js]

import { spawn, spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

function parseArgs(argv) {
  const opts = { runs: 3, cli: 'dist/cli/index.js' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--image') opts.image = argv[++i]
    else if (a === '--runs') opts.runs = Number(argv[++i])
    else if (a === '--cli') opts.cli = argv[++i]
    else throw new Error(`unknown argument ${a}`)
  }
  if (!opts.image) throw new Error('--image is required')
  return opts
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

function run(cmd, args) {
  const devnull = openSync('/dev/null', 'w')
  const started = performance.now()
  const child = spawn(cmd, args, { stdio: ['ignore', devnull, 'pipe'] })
  closeSync(devnull)
  const err = []
  child.stderr.on('data', d => err.push(d))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', code => {
      if (code !== 0) {
        const why = Buffer.concat(err).toString().trim().split('\n').slice(-3).join('\n')
        return reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}): ${why}`))
      }
      resolve((performance.now() - started) / 1000)
    })
  })
}

async function startRegistry(dir) {
  const port = await freePort()
  const host = `127.0.0.1:${port}`
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: ${host}\n`
  )
  const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    const up = await globalThis.fetch(`http://${host}/v2/`).then(
      r => r.ok,
      () => false
    )
    if (up) return { host, child }
    await new Promise(r => setTimeout(r, 100))
  }
  child.kill()
  throw new Error('docker-registry did not start')
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const sec = x => `${x.toFixed(2)} s`

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-registry-'))
  const { host, child } = await startRegistry(dir)
  try {
    const ref = `${host}/isg-bench/image:bench`
    spawnSync('docker', ['tag', opts.image, ref], { stdio: 'inherit' })
    const pushed = await run('docker', ['push', ref])
    spawnSync('docker', ['rmi', ref], { stdio: 'ignore' })
    const m = await globalThis
      .fetch(`http://${host}/v2/isg-bench/image/manifests/bench`, {
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' }
      })
      .then(r => r.json())
    const compressed = m.layers.reduce((s, l) => s + l.size, 0)
    console.log(
      `registry: pushed ${opts.image} to ${ref} in ${sec(pushed)}: ${m.layers.length} layers, ${compressed} bytes compressed`
    )
    const names = ['skopeo', 'analyze', 'fast']
    const steps = {
      skopeo: async () => {
        const out = join(dir, 'oci')
        rmSync(out, { recursive: true, force: true })
        const t = await run('skopeo', [
          'copy',
          '--src-tls-verify=false',
          `docker://${ref}`,
          `oci:${out}`
        ])
        rmSync(out, { recursive: true, force: true })
        return t
      },
      analyze: () =>
        run(process.execPath, [opts.cli, 'analyze', `docker://${ref}`, '--json', '--no-progress']),
      fast: () =>
        run(process.execPath, [opts.cli, 'analyze', '--fast', `docker://${ref}`, '--json'])
    }
    // One untimed round first: right after the push the registry's files and skopeo's
    // destination are cold, and the first skopeo run was up to 2x slower than the rest.
    for (const name of names) await steps[name]()
    const rows = []
    for (let i = 0; i < opts.runs; i++) {
      const order = i % 2 === 0 ? names : ['analyze', 'skopeo', 'fast']
      const row = {}
      for (const name of order) {
        row[name] = await steps[name]()
        console.log(`run ${i + 1}: ${name.padEnd(8)} ${sec(row[name])}`)
      }
      rows.push(row)
    }
    const med = Object.fromEntries(names.map(n => [n, median(rows.map(r => r[n]))]))
    console.log('')
    console.log(
      '| run | `skopeo copy docker://… oci:…` | `analyze docker://… --json` | `analyze --fast docker://…` | analyze / skopeo |'
    )
    console.log('|---|---|---|---|---|')
    rows.forEach((r, i) =>
      console.log(
        `| ${i + 1} | ${sec(r.skopeo)} | ${sec(r.analyze)} | ${sec(r.fast)} | ${(r.analyze / r.skopeo).toFixed(2)} |`
      )
    )
    console.log(
      `| median | ${sec(med.skopeo)} | ${sec(med.analyze)} | ${sec(med.fast)} | ${(med.analyze / med.skopeo).toFixed(2)} |`
    )
  } finally {
    child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch(err => {
  console.error(`bench: ${err.message}`)
  process.exit(1)
})
