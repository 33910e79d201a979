import { ForgeApi } from '../src/forge/forge-api.js'
import { ForgeClient } from '../src/forge/forge-client.js'
import { StaticToken } from '../src/forge/credentials.js'
import { ForgeHealth } from '../src/forge/forge-health.js'
import { HttpTransport } from '../src/forge/http-transport.js'
import { RateGate } from '../src/forge/rate-limit.js'
import { readInputs } from '../src/inputs/read-inputs.js'
import { Redactor } from '../src/shared/redact.js'
import { apiPolicy } from '../src/shared/retry-policy.js'
import { actionEnv } from './run-action.js'

/** The run's settings and its forge API, wired as main.ts wires them, from the action's inputs. */
export function apiFor(inputs: Record<string, string>) {
  const saved = { ...process.env }
  Object.assign(process.env, actionEnv(inputs, {}))
  const { credential, settings } = readInputs()
  process.env = saved
  const token = credential.kind === 'token' ? credential.token : ''
  const redactor = new Redactor(token)
  const transport = new HttpTransport(10_000, redactor)
  const client = new ForgeClient({
    apiUrl: settings.apiUrl,
    transport,
    policy: apiPolicy(1),
    health: new ForgeHealth(),
    gate: new RateGate(),
    rateLimitWaitMs: 0,
    credentials: new StaticToken(token),
    redactor
  })
  return { settings, api: new ForgeApi(client), transport }
}
