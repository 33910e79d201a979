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

const SIZES = (process.env.BENCH_LOOK_UP_SIZES ?? '50,1000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)

export async function benchLookUp(scratch: string): Promise<void> {
  console.log(
    `\nGitHub look-up, a re-run (every template pinned), concurrency 32, latency ${LATENCY} ms:\n\n` +
      '| N | look-up | wall | look-up requests per template | all requests | peak REST points a minute | refused for limits | quota line |\n' +
      '|---|---|---|---|---|---|---|---|'
  )
  for (const n of SIZES) for (const side of ['graphql', 'rest'] as const) await lookUpSide(n, side, scratch)
  if (CUT_SIZE > 0) await lookUpCut(CUT_SIZE, scratch)
}

/**
 * The look-up of N templates when GitHub cuts big queries: GitHub's own deadline (10 s), and
 * 150 ms a repository in a query (a knob: it puts the deadline at 66 repositories, where the
 * reports put it, "about a hundred", community discussion #24408; gfazioli/octoscope#153 met it
 * at 74), so the first batches (75) are cut. Real time, not scaled: minutes.
 */
const CUT_SIZE = Number(process.env.BENCH_LOOK_UP_CUT ?? 1000)

async function lookUpCut(n: number, scratch: string): Promise<void> {
  const forge = await TestForge.start({ flavour: 'github' })
  try {
    const names = Array.from({ length: n }, (_, i) => `tpl-${String(i).padStart(4, '0')}`)
    for (const name of names) await template(forge, `acme/${name}`, { pin: VERSION })
    forge.latencyMs = LATENCY
    forge.github.queryTime = { msPerRepository: 150, deadlineMs: 10_000, cut: 'gateway-json' }
    const log = join(scratch, `look-up-cut-${n}.log`)
    const env = await actionFiles(forge, names, { concurrency: '32', owner: 'acme', transport: 'api' }, scratch)
    const m = await measured(['bash', '-c', `node ${DIST} > ${log}`], env, scratch)
    const api = forge.requests.filter((r) => r.kind === 'api')
    const queries = api.filter((r) => r.path === GRAPHQL_PATH)
    const cut = queries.filter((r) => r.status === 502).length
    const restLookUps = api.filter((r) => r.method === 'GET' && r.repo !== null).length
    const text = await readFile(log, 'utf8')
    const said = /look-up: [^\n]*/.exec(text)?.[0] ?? '(none)'
    console.log(
      `\nGitHub look-up of ${n} re-run templates when GitHub cuts queries of more than 66 repositories ` +
        `(10 s deadline, 150 ms a repository, latency ${LATENCY} ms):\n\n` +
        '| N | wall | GraphQL queries | cut | REST look-up requests | GraphQL points charged | exit | log |\n' +
        '|---|---|---|---|---|---|---|---|\n' +
        `| ${n} | ${f(m.wall)} s | ${queries.length} | ${cut} | ${restLookUps} | ${5000 - forge.github.graphqlRemaining} | ${m.exit} | ${said} |`
    )
  } finally {
    await forge.close()
  }
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
