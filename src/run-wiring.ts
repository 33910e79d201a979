import * as core from '@actions/core'
import { AppInstallations } from './forge/app-installations.js'
import { StaticToken, type Credentials } from './forge/credentials.js'
import { ForgeApi } from './forge/forge-api.js'
import { ForgeClient } from './forge/forge-client.js'
import { ForgeHealth } from './forge/forge-health.js'
import { HttpTransport } from './forge/http-transport.js'
import { RateGate } from './forge/rate-limit.js'
import { WriteBudget } from './forge/write-budget.js'
import { checkGit, type GitCheck } from './git/git-check.js'
import { GitRunner } from './git/git-runner.js'
import type { Credential } from './inputs/credential-input.js'
import type { Settings } from './inputs/settings.js'
import { ApiLander } from './landing/api-lander.js'
import { AutoLander } from './landing/auto-lander.js'
import { GitLander } from './landing/git-lander.js'
import { WritePacing } from './landing/write-pacing.js'
import type { Redactor } from './shared/redact.js'
import { apiPolicy } from './shared/retry-policy.js'
import type { RunControl } from './shared/run-control.js'

/**
 * The run's parts, wired once: the credentials, the forge's HTTP transport and API, git, the
 * write pacing, and the landers. On a cancel every request and every git is killed.
 */
export function wire(
  credential: Credential,
  settings: Settings,
  redactor: Redactor,
  control: RunControl,
  workDir: string
) {
  const transport = new HttpTransport(settings.requestTimeoutMs, redactor)
  // A shard of a job matrix takes its share of the token's limits: the token is the shards'.
  const share = settings.shard ? 1 / settings.shard.count : 1
  const budget = new WriteBudget(() => api.traits.writeLimit, share)
  const client = new ForgeClient({
    apiUrl: settings.apiUrl,
    transport,
    policy: apiPolicy(settings.retryDelayMs),
    health: new ForgeHealth(),
    gate: new RateGate(share),
    rateLimitWaitMs: settings.rateLimitWaitSeconds * 1000,
    writeBudget: budget,
    credentials: (forge) => credentialsFor(credential, settings, forge, redactor),
    redactor,
    signal: control.signal
  })
  const api: ForgeApi = new ForgeApi(client)
  const token = credential.kind === 'token' ? credential.token : undefined
  const git = new GitRunner({ serverUrl: settings.serverUrl, token, redactor, timeoutMs: settings.gitTimeoutMs })
  const pacing = new WritePacing(budget, settings.transport)
  // git is checked once: at the start when it is the transport, else when a template first needs it.
  let gitCheck: Promise<GitCheck> | undefined
  const checkedGit = () => (gitCheck ??= checkGit())
  const gitLander = new GitLander({ git, credentials: client.credentials, settings, workDir, signal: control.signal })
  const useGit = async (): Promise<GitLander | string> => {
    if (settings.transport === 'api') return 'git is not used with transport: api'
    const checked = await checkedGit()
    return checked.ok ? gitLander : checked.reason
  }
  const apiLander = new ApiLander({ api, settings, signal: control.signal, pace: pacing.pin })
  const lander = new AutoLander(settings.transport, settings.signing, apiLander, useGit)
  control.signal.addEventListener('abort', () => {
    git.killAll()
    transport.dispose()
  })
  return { api, transport, checkedGit, pipeline: { settings, api, lander, control } }
}

/** The `token`, or a GitHub App's tokens per owner, each masked and redacted before its first use. */
function credentialsFor(
  credential: Credential,
  settings: Settings,
  client: ForgeClient,
  redactor: Redactor
): Credentials {
  if (credential.kind !== 'app') return new StaticToken(credential.kind === 'token' ? credential.token : '')
  return new AppInstallations({
    appId: credential.appId,
    key: credential.privateKey,
    client,
    owners: [...new Set([...settings.templates.map((t) => t.owner), settings.owner].filter(Boolean))],
    secret: (value) => {
      for (const form of redactor.add(value)) core.setSecret(form)
    },
    log: core.info
  })
}
