// Keeps V8's young generation at its starting size while an image is read and analysed.
//
// Why: V8 doubles the young generation each time more bytes survive its scavenges than it
// holds, up to a maximum that depends on the machine: on Node 24 with a few GB of RAM that is
// 64 MiB per semi-space (128 MiB of new space), on Node 20 16-32 MiB. Reading an image creates
// hundreds of thousands of objects that live to the end (entries, their paths and hashes, the
// stacked filesystem), so the young generation always grows to its maximum: RSS that holds no
// data. On the 5 GB / 200k-file benchmark image, keeping it small took the CLI's peak RSS from
// 297 to 172 MB on Node 24 (185 to 155 MB on Node 20), and the read got no slower: what dies
// young (chunk views, headers) dies in a small space too. See docs/benchmarks.md.
//
// Why at run time: the action runs as `node24` and the CLI as `node …`, so neither can pass
// --max-semi-space-size; V8 reads --semi-space-growth-factor each time it considers growing,
// so setting it now takes effect. The flag has existed since V8 3.x.

import { setFlagsFromString } from 'node:v8'

let applied = false

export function keepYoungGenerationSmall(): void {
  if (applied) return
  applied = true
  try {
    setFlagsFromString('--semi-space-growth-factor=1')
  } catch {
    // Not fatal: the read only uses more memory.
  }
}
