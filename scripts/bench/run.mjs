// Times `docker save IMG > /dev/null` against `image-size-guard analyze IMG --json > /dev/null`
// in one run, interleaved, and prints each run, the medians, the ratio and the peak RSS.
// Benchmarks print figures; nothing here asserts a time.
//
//   node scripts/bench/run.mjs --image TAG [--runs 3] [--cli dist/cli/index.js]
//                              [--archive] [--estimate] [--baseline-cli PATH]
//
// --archive      also saves the image to a temporary file once and times the CLI over that
//                file (the reader alone, without the engine's export);
// --estimate     also times `analyze IMG --estimate-compressed` (gzips every layer on the side);
// --baseline-cli also times another build of the CLI (e.g. a copy of dist/cli from before a
//                change) on the engine image, for before/after figures taken in one run.
//
// Peak RSS: the CLI runs with scripts/bench/maxrss.mjs preloaded (getrusage at exit, exact);
// docker save's is polled from /proc/<pid>/status (VmHWM).

import { spawn } from 'node:child_process'
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { clearInterval, setInterval } from 'node:timers'

const here = dirname(fileURLToPath(import.meta.url))
const MAXRSS = join(here, 'maxrss.mjs')

function parseArgs(argv) {
  const opts = { runs: 3, cli: 'dist/cli/index.js', archive: false, estimate: false }
  opts.baseline = undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--image') opts.image = argv[++i]
    else if (a === '--runs') opts.runs = Number(argv[++i])
    else if (a === '--cli') opts.cli = argv[++i]
    else if (a === '--archive') opts.archive = true
    else if (a === '--estimate') opts.estimate = true
    else if (a === '--baseline-cli') opts.baseline = argv[++i]
    else throw new Error(`unknown argument ${a}`)
  }
  if (!opts.image) throw new Error('--image is required')
  if (!Number.isInteger(opts.runs) || opts.runs < 1) throw new Error('--runs must be >= 1')
  return opts
}

// ---------------------------------------------------------------------------------------------
// Measuring one command

/** Runs a command with stdout to /dev/null; resolves { seconds, rssKiB }. */
function measure(cmd, args, { pollRss = false, env = process.env } = {}) {
  const devnull = openSync('/dev/null', 'w')
  const errors = []
  const started = performance.now()
  const child = spawn(cmd, args, { stdio: ['ignore', devnull, 'pipe'], env })
  closeSync(devnull)
  child.stderr.on('data', d => errors.push(d))
  let rss = 0
  const poll = pollRss ? setInterval(() => (rss = Math.max(rss, vmHwm(child.pid))), 50) : undefined
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', code => {
      const seconds = (performance.now() - started) / 1000
      if (poll) clearInterval(poll)
      if (code !== 0) {
        const why = Buffer.concat(errors).toString().trim().split('\n').slice(-3).join('\n')
        return reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}): ${why}`))
      }
      resolve({ seconds, rssKiB: rss })
    })
  })
}

function vmHwm(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0 // the process has just exited
  }
}

async function measureCli(cli, args) {
  const rssFile = join(tmpdir(), `isg-bench-rss-${process.pid}`)
  const env = { ...process.env, ISG_BENCH_RSS_FILE: rssFile }
  try {
    const r = await measure(process.execPath, ['--import', MAXRSS, cli, ...args], { env })
    return { ...r, rssKiB: Number(readFileSync(rssFile, 'utf8')) }
  } finally {
    rmSync(rssFile, { force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

const median = xs => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const sec = x => `${x.toFixed(2)} s`
const mib = kib => `${Math.round(kib / 1024)} MiB`

function machine() {
  const cpu = cpus()[0]?.model ?? 'unknown'
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM, node ${process.version}`
}

const HEADINGS = {
  save: '`docker save IMG > /dev/null`',
  analyze: '`analyze IMG --json`',
  archive: '`analyze archive.tar --json`',
  estimate: '`analyze IMG --json --estimate-compressed`',
  baseline: 'baseline CLI `analyze IMG --json`'
}

function table(rows, names) {
  const out = [`| run | ${names.map(n => HEADINGS[n]).join(' | ')} | analyze / save |`]
  out.push(`|---|${names.map(() => '---|').join('')}---|`)
  rows.forEach((r, i) => {
    const times = names.map(n => sec(r[n].seconds)).join(' | ')
    out.push(`| ${i + 1} | ${times} | ${(r.analyze.seconds / r.save.seconds).toFixed(2)} |`)
  })
  const med = Object.fromEntries(names.map(n => [n, median(rows.map(r => r[n].seconds))]))
  const ratios = rows.map(r => r.analyze.seconds / r.save.seconds)
  out.push(`| median | ${names.map(n => sec(med[n])).join(' | ')} | ${median(ratios).toFixed(2)} |`)
  const toSave = names.map(n => (n === 'save' ? '1.00' : (med[n] / med.save).toFixed(2)))
  out.push(`| median / save median | ${toSave.join(' | ')} | |`)
  const peaks = names.map(n => mib(Math.max(...rows.map(r => r[n].rssKiB))))
  out.push(`| peak RSS | ${peaks.join(' | ')} | |`)
  return out.join('\n')
}

// ---------------------------------------------------------------------------------------------

async function saveArchive(image) {
  const dir = mkdtempSync(join(tmpdir(), 'isg-bench-archive-'))
  const path = join(dir, 'image.tar')
  await measure('docker', ['save', '-o', path, image])
  return { dir, path, bytes: statSync(path).size }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  console.log(`machine: ${machine()}`)
  const archive = opts.archive ? await saveArchive(opts.image) : undefined
  if (archive) console.log(`archive: ${archive.path} (${archive.bytes} bytes)`)
  const names = [
    'save',
    'analyze',
    ...(archive ? ['archive'] : []),
    ...(opts.estimate ? ['estimate'] : []),
    ...(opts.baseline ? ['baseline'] : [])
  ]
  const steps = {
    save: () => measure('docker', ['save', opts.image], { pollRss: true }),
    analyze: () => measureCli(opts.cli, ['analyze', opts.image, '--json']),
    archive: () => measureCli(opts.cli, ['analyze', archive.path, '--json']),
    estimate: () =>
      measureCli(opts.cli, ['analyze', opts.image, '--json', '--estimate-compressed']),
    baseline: () => measureCli(opts.baseline, ['analyze', opts.image, '--json'])
  }
  const rows = []
  try {
    for (let run = 0; run < opts.runs; run++) {
      // Alternate who goes first, so that neither always finds a warmer page cache.
      const order = run % 2 === 0 ? names : [names[1], names[0], ...names.slice(2)]
      const row = {}
      for (const name of order) {
        row[name] = await steps[name]()
        console.log(
          `run ${run + 1}: ${name.padEnd(8)} ${sec(row[name].seconds)} ${mib(row[name].rssKiB)}`
        )
      }
      rows.push(row)
    }
  } finally {
    if (archive) rmSync(archive.dir, { recursive: true, force: true })
  }
  console.log('')
  console.log(table(rows, names))
}

main().catch(err => {
  console.error(`bench: ${err.message}`)
  process.exit(1)
})
