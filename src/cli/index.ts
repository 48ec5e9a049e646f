#!/usr/bin/env node
// The command line's entry point: nothing but main(), and where its layer threads' bundle is.
import { wantsContent } from '../analysis/hints/content.js'
import { useLayerThreads } from '../image/registry/threads.js'
import { main } from './main.js'

// a variable, so the bundler leaves the path alone
const layerThread = '../layer-thread/index.js'
useLayerThreads(new URL(layerThread, import.meta.url), wantsContent)
process.exitCode = await main(process.argv.slice(2))
