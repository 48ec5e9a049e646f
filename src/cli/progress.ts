// A progress line on stderr while a large image is read (only on a terminal).

import { formatBytes } from '../units.js'
import type { CliIo } from './io.js'

const INTERVAL_MS = 200

export function progressReporter(io: CliIo, enabled: boolean) {
  let last = 0
  let shown = false
  return {
    update: (bytes: number, total?: number): void => {
      if (!enabled || !io.isTTY) return
      const now = Date.now()
      if (now - last < INTERVAL_MS) return
      last = now
      shown = true
      const pct = total ? ` (${Math.floor((bytes / total) * 100)}%)` : ''
      io.stderr(`\rreading image… ${formatBytes(bytes)}${pct}   `)
    },
    done: (): void => {
      if (shown) io.stderr('\r\x1b[K')
    }
  }
}
