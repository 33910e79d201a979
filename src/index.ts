import * as core from '@actions/core'
import { run } from './main.js'

run().catch((error: unknown) => {
  // A bug, not a template failure: still fail the step (never green) without a stack of noise.
  core.setFailed(`runtime-cascade crashed: ${error instanceof Error ? error.message : String(error)}`)
})
