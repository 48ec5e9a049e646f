// Rebuilds both committed bundles with ncc: dist/index.js (the action) and
// dist/cli/index.js (the image-size-guard command line).
import { execFileSync } from 'node:child_process'
import { chmodSync, rmSync } from 'node:fs'

const ncc = 'node_modules/.bin/ncc'
const builds = [
  ['src/index.ts', 'dist'],
  ['src/cli/index.ts', 'dist/cli']
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
