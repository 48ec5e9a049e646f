#!/usr/bin/env node
// The command line's entry point: nothing but main().
import { main } from './main.js'

process.exitCode = await main(process.argv.slice(2))
