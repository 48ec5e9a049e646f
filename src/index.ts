// The action's entry point: nothing but run(). Tests import main.ts without side effects.
import { run } from './main.js'

await run()
