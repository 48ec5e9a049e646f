import { it } from '@jest/globals'
import { buildSeedImages } from '../support/debian-base.js'
it('prebuild legacy', async () => {
  await buildSeedImages({ builder: 'legacy', only: ['vanilla', 'nocache', 'slim', 'multistage', 'static', 'deleted-later'], log: l => process.stderr.write(l + '\n') })
}, 30 * 60_000)
