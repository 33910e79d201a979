/**
 * GitHub's look-up round, GraphQL batches beside the REST look-up, in the same run: re-runs of
 * N = 50 and N = 1000 templates already pinned (nothing to write, so the look-up is the run) at
 * concurrency 32, each side on its own forge with the same templates. The REST side is the
 * action with GraphQL queries answered by an error (a bench knob), so each batch's one failed
 * query is left out of its look-up figure. Also: the peak REST points in any minute (GitHub's
 * secondary limit is 900; the client keeps under 800) and what the forge refused for its limits.
 */
import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { TestForge } from '../test-support/forge/forge.js'
import type { RequestRecord } from '../test-support/forge/request-rules.js'
import { DIST } from '../test-support/run-action.js'
import { template } from '../test-support/scenario.js'
import { GRAPHQL_PATH } from '../test-support/forge/requests.js'
import { actionFiles, f, LATENCY, measured, VERSION } from './bench-parts.js'

const SIZES = (process.env.BENCH_LOOK_UP_SIZES ?? '50,1000').split(',').map(Number)

export async function benchLookUp(scratch: string): Promise<void> {
  console.log(
    `\nGitHub look-up, a re-run (every template pinned), concurrency 32, latency ${LATENCY} ms:\n\n` +
      '| N | look-up | wall | look-up requests per template | all requests | peak REST points a minute | refused for limits | quota line |\n' +
      '|---|---|---|---|---|---|---|---|'
  )
  for (const n of SIZES) for (const side of ['graphql', 'rest'] as const) await lookUpSide(n, side, scratch)
}

async function lookUpSide(n: number, side: 'graphql' | 'rest', scratch: string): Promise<void> {
  const forge = await TestForge.start({ flavour: 'github' })
  try {
    const names = Array.from({ length: n }, (_, i) => `tpl-${String(i).padStart(4, '0')}`)
    for (const name of names) await template(forge, `acme/${name}`, { pin: VERSION })
    forge.latencyMs = LATENCY
    forge.github.queriesOff = side === 'rest'
    const inputs = { concurrency: '32', owner: 'acme', transport: 'api' }
    const log = join(scratch, `look-up-${side}-${n}.log`)
    const env = await actionFiles(forge, names, inputs, scratch)
    const m = await measured(['bash', '-c', `node ${DIST} > ${log}`], env, scratch)
    const api = forge.requests.filter((r) => r.kind === 'api')
    // The bench keeps no bodies: every GraphQL request of these runs is a look-up query.
    const queries = api.filter((r) => r.path === GRAPHQL_PATH)
    const restLookUps = api.filter((r) => r.method === 'GET' && r.repo !== null)
    const lookUps = side === 'graphql' ? queries.length + restLookUps.length : restLookUps.length
    const quota = /GitHub quota: [^\n]*/.exec(await readFile(log, 'utf8'))?.[0] ?? '(none)'
    console.log(
      `| ${n} | ${side === 'graphql' ? 'GraphQL batches' : 'REST'} | ${f(m.wall)} s | ${f(lookUps / n, 3)} | ${api.length} | ` +
        `${peakPoints(api.filter((r) => r.path !== GRAPHQL_PATH))} | ${forge.github.refusedForLimits} | ${quota.replace(/\|/g, '/')} |`
    )
    if (m.exit !== 0) console.log(`WARNING: the ${side} look-up at N=${n} exited ${m.exit}`)
  } finally {
    await forge.close()
  }
}

/** The most REST points (a GET 1, a write 5) sent within any 60 s, by arrival. */
function peakPoints(requests: RequestRecord[]): number {
  const sorted = [...requests].sort((a, b) => a.at - b.at)
  const points = (r: RequestRecord) => (r.method === 'GET' || r.method === 'HEAD' ? 1 : 5)
  let [peak, sum, start] = [0, 0, 0]
  for (const r of sorted) {
    sum += points(r)
    while (sorted[start].at <= r.at - 60_000) sum -= points(sorted[start++])
    peak = Math.max(peak, sum)
  }
  return peak
}
