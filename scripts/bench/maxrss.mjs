// Preloaded into the measured CLI (`node --import ./scripts/bench/maxrss.mjs …`): writes the
// process's peak RSS (KiB, from getrusage) to $ISG_BENCH_RSS_FILE when it exits. Exact, and
// it needs neither /usr/bin/time nor polling /proc.

import { writeFileSync } from 'node:fs'

const file = process.env.ISG_BENCH_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
