/**
 * `npm run demo:forge`: the demo's loopback forge on its own, for `npm run local-action` (and any
 * other client) to talk to. Listens on 127.0.0.1:${DEMO_FORGE_PORT:-3939} with a fixed token,
 * ${DEMO_FORGE_TOKEN} or the one in .env.example (it guards nothing: loopback, throwaway data).
 * Runs until interrupted.
 */
import { seedDemo } from '../test-support/demo-templates.js'
import { TestForge } from '../test-support/forge/forge.js'

const DEMO_PORT = Number(process.env.DEMO_FORGE_PORT ?? 3939)
const DEMO_TOKEN = process.env.DEMO_FORGE_TOKEN ?? 'gta_demo_forge_token_for_loopback_only_0000'

const forge = await TestForge.start({ port: DEMO_PORT, token: DEMO_TOKEN })
await seedDemo(forge)
console.log(`demo forge at ${forge.url} (API ${forge.apiUrl}), token ${DEMO_TOKEN}; Ctrl-C stops it`)
const stop = async () => {
  await forge.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
