// Platforms as OCI writes them (`os/architecture[/variant]`), normalised the way containerd's
// matcher does so that `linux/arm64/v8` and `linux/arm64`, or `aarch64` and `arm64`, compare equal.

import type { Descriptor, Platform } from '../types.js'

const ARCH_ALIASES: Record<string, Platform['architecture']> = {
  x86_64: 'amd64',
  'x86-64': 'amd64',
  aarch64: 'arm64',
  i386: '386',
  i686: '386',
  x86: '386'
}

/** Parses `linux/arm64`, `linux/arm/v7`; throws a usage message for anything else. */
export function parsePlatform(text: string): Platform {
  const parts = text.trim().toLowerCase().split('/')
  if (parts.length < 2 || parts.length > 3 || parts.some(p => p === '')) {
    throw new Error(
      `platform "${text}" is not valid: use os/arch[/variant], e.g. linux/amd64, linux/arm64 or linux/arm/v7`
    )
  }
  const [os, architecture, variant] = parts
  return normalizePlatform(variant ? { os, architecture, variant } : { os, architecture })
}

export function normalizePlatform(p: Platform): Platform {
  const os = p.os.toLowerCase()
  let architecture = p.architecture.toLowerCase()
  let variant = p.variant?.toLowerCase() ?? ''
  if (architecture === 'armhf') [architecture, variant] = ['arm', 'v7']
  else if (architecture === 'armel') [architecture, variant] = ['arm', 'v6']
  else architecture = ARCH_ALIASES[architecture] ?? architecture
  // arm64 is v8 unless said otherwise, 32-bit arm is v7, amd64 v1 is plain amd64
  if (architecture === 'arm64' && variant === 'v8') variant = ''
  if (architecture === 'arm' && variant === '') variant = 'v7'
  if (architecture === 'amd64' && variant === 'v1') variant = ''
  return variant ? { os, architecture, variant } : { os, architecture }
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/')
}

/** Same os and architecture; the variant must agree only when `want` names one. */
export function platformMatches(want: Platform, have: Platform): boolean {
  const w = normalizePlatform(want)
  const h = normalizePlatform(have)
  if (w.os !== h.os || w.architecture !== h.architecture) return false
  return !w.variant || w.variant === h.variant
}

const NODE_ARCH: Record<string, Platform> = {
  x64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64' },
  arm: { os: 'linux', architecture: 'arm', variant: 'v7' },
  ia32: { os: 'linux', architecture: '386' },
  ppc64: { os: 'linux', architecture: 'ppc64le' }, // Node on Linux/POWER is little-endian
  s390x: { os: 'linux', architecture: 's390x' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
  loong64: { os: 'linux', architecture: 'loong64' },
  mips: { os: 'linux', architecture: 'mips' },
  mipsel: { os: 'linux', architecture: 'mipsle' }
}

/**
 * The platform images default to on this machine. Always linux: Docker Desktop on macOS and
 * Windows runs Linux containers too.
 */
export function hostPlatform(arch: string = process.arch): Platform {
  return NODE_ARCH[arch] ?? { os: 'linux', architecture: arch }
}

/** BuildKit provenance/SBOM manifests: listed in indexes, not runnable images. */
export function isAttestation(d: Pick<Descriptor, 'platform' | 'annotations'>): boolean {
  if (d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') return true
  return d.platform?.os === 'unknown' && d.platform.architecture === 'unknown'
}
