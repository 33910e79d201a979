import type { AdviceForge } from './failure-advice.js'

/** What the summary and the log's table say about the run as a whole. */
export interface SummaryContext {
  /** The forge the run talked to, for advice that differs (the right a token needs). */
  forge?: AdviceForge
  version: string
  dryRun: boolean
  mode: 'push' | 'pull-request' | 'check' | 'report'
  serverUrl: string
  probePaths: string[]
  verifyBuild: boolean
  verifyTimeoutSeconds: number
  /** Build waves (max-builds-in-flight), when on. */
  maxBuildsInFlight?: number
}
