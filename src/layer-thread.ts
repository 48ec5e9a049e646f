// A layer thread's entry point (src/image/registry/threads.ts): a bundle of its own
// (dist/layer-thread/index.js), so that each thread loads and garbage-collects the layer reader
// alone, not the whole action or command line.
import { wantsContent } from './analysis/hints/content.js'
import { serveLayerThread } from './image/registry/threads.js'

serveLayerThread(wantsContent)
