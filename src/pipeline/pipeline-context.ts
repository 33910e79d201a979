import type { RunPoller } from '../builds/run-poller.js'
import type { Pacing } from '../builds/build-waves.js'
import type { ForgeApi } from '../forge/forge-api.js'
import type { Settings } from '../inputs/settings.js'
import type { Lander } from '../landing/lander.js'
import type { RunControl } from '../shared/run-control.js'
import type { LookAhead } from './look-ahead.js'
import type { RepoClaims } from './repo-claims.js'

/** What every template's pipeline shares: the settings, the forge, the landing, the run's control. */
export interface PipelineContext {
  settings: Settings
  api: ForgeApi
  lander: Lander
  control: RunControl
  /** verify-build: looks for the build each pushed pin starts. */
  builds?: RunPoller
  /** Which template works on which repository: two names for one repository write it once. */
  claims: RepoClaims
  /** Build waves or a pace per minute: a slot before each pin lands (push mode). */
  pacing?: Pacing
  /** GitHub: the look-ups already made in GraphQL batches (a template missing there asks REST). */
  ahead?: LookAhead
}
