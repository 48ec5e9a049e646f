// Rebuilds the committed bundles with ncc: dist/index.js (the action), dist/cli/index.js (the
// image-size-guard command line) and dist/layer-thread/index.js (the layer threads both start,
// src/image/registry/threads.ts).
import { execFileSync } from 'node:child_process'
import { chmodSync, rmSync } from 'node:fs'

const ncc = 'node_modules/.bin/ncc'
const builds = [
  ['src/index.ts', 'dist'],
  ['src/cli/index.ts', 'dist/cli'],
  ['src/layer-thread.ts', 'dist/layer-thread']
]

rmSync('dist', { recursive: true, force: true })
for (const [entry, out] of builds) {
  execFileSync(
    ncc,
    ['build', entry, '-o', out, '--source-map', '--license', 'licenses.txt', '--quiet'],
    {
      stdio: 'inherit'
    }
  )
}
chmodSync('dist/cli/index.js', 0o755)
