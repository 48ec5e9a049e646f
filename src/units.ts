// One byte convention everywhere: sizes are SHOWN in SI decimal units (1 MB = 1,000,000 B),
// the convention of the Docker CLI (`docker images`, `docker history`), so our numbers read
// like the ones users already see. Sizes are PARSED in both systems: `MB` is 10^6 bytes and
// `MiB` is 2^20 bytes; a bare number is bytes.

const SI = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40
}

/** `1234567` → `1.23 MB`: three significant digits, like the Docker CLI. */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes)
  if (abs < 1000) return `${bytes} B`
  let unit = 0
  let value = abs
  while (value >= 999.5 && unit < SI.length - 1) {
    value /= 1000
    unit++
  }
  const digits = value >= 99.95 ? 0 : value >= 9.995 ? 1 : 2
  return `${bytes < 0 ? '-' : ''}${value.toFixed(digits)} ${SI[unit]}`
}

/** `+1.23 MB`, `-4 kB`, `0 B`. */
export function formatDelta(bytes: number): string {
  return bytes > 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes)
}

/** `+4.1%`; undefined when there is no base to compare with. */
export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return 'n/a'
  const pct = fraction * 100
  const digits = Math.abs(pct) >= 10 ? 0 : 1
  const text = pct.toFixed(digits)
  return `${pct > 0 && Number(text) !== 0 ? '+' : ''}${Number(text) === 0 ? '0' : text}%`
}

/**
 * Parses a size such as `500MB`, `1.5 GiB`, `25 kB` or `1048576`. Returns undefined for text
 * that is not a size; callers turn that into a message naming their input.
 */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  if (!m) return undefined
  const unit = m[2].toLowerCase() || 'b'
  const factor = UNITS[unit]
  if (factor === undefined) return undefined
  return Math.round(Number(m[1]) * factor)
}

export const SIZE_HELP = 'a size like 500MB, 1.5GiB or 25kB (MB = 10^6 bytes, MiB = 2^20 bytes)'
