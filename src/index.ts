// The action's entry point: nothing but run(), and where its layer threads' bundle is. Tests
// import main.ts without side effects.
import { wantsContent } from './analysis/hints/content.js'
import { useLayerThreads } from './image/registry/threads.js'
import { run } from './main.js'

// a variable, so the bundler leaves the path alone
const layerThread = './layer-thread/index.js'
useLayerThreads(new URL(layerThread, import.meta.url), wantsContent)
await run()
