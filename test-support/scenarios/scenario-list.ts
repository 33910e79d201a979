import type { Scenario } from './scenario.js'
import { cascadeScenarios } from './cascade-scenarios.js'
import { pullRequestScenarios } from './pull-request-scenarios.js'
import { buildScenarios } from './build-scenarios.js'
import { workflowStepScenarios } from './workflow-step-scenarios.js'

export const SCENARIOS: Scenario[] = [
  ...cascadeScenarios,
  ...pullRequestScenarios,
  ...buildScenarios,
  ...workflowStepScenarios
]

/**
 * What only the test forge can play, so it stays there (the live suite lists these): faults a
 * live forge cannot be made to produce on demand.
 */
export const TEST_FORGE_ONLY = [
  'HTTP 5xx answers, resets, hangs and answers dropped after the write (__tests__/e2e/faults.test.ts, failing-forge.test.ts)',
  "a push landing inside the forge between a contents write's tip read and its ref update (contents-writes-real-forges.test.ts)",
  "GitHub's rate limits, secondary limits and GraphQL look-up (rate-limits.test.ts, graphql-look-up.test.ts): GitHub cannot be run here",
  'a cancel (SIGTERM) in the middle of a push (cancel.test.ts)',
  'redirects to another origin and other answers no forge sends on its own (odd-answers.test.ts)'
]
