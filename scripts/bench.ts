/**
 * `npm run bench`: the action, through each transport, against a sequential shell-loop baseline
 * on the loopback forge, with latency injected on every request. Every side runs against its
 * own copy of the same templates, in the same run, so the ratios compare like with like on a
 * noisy machine.
 *
 * Env: BENCH_SIZES (default 8,50,500), BENCH_LATENCY_MS (100), BENCH_CONCURRENCY (8),
 * BENCH_BASELINE_MAX (the largest N the baseline runs at: 50; it is linear and slow),
 * BENCH_PINS_N (templates in the one-pin / two-pin comparison: 20, under GitHub's 80
 * content-creating requests a minute even at three writes a template), BENCH_SCALE (1: the
 * scale figures, N = 1000 on GitHub and 2000 on Gitea at concurrency 32; 0 skips them),
 * BENCH_LOOK_UP (1: GitHub's look-up in GraphQL batches beside the REST look-up, N = 50 and 1000).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { TestForge } from '../test-support/forge/forge.js'
import { actionEnv, DIST, PROJECT_ROOT } from '../test-support/run-action.js'
import { template } from '../test-support/scenario.js'
// The bench keeps no request bodies; its only GraphQL requests are the look-up queries, which write nothing.
import { GRAPHQL_PATH } from '../test-support/forge/requests.js'
import { actionFiles, f, LATENCY, measured, VERSION, type Measure } from './bench-parts.js'
import { benchLookUp } from './bench-look-up.js'

const SIZES = (process.env.BENCH_SIZES ?? '8,50,500').split(',').map(Number)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8)
const BASELINE_MAX = Number(process.env.BENCH_BASELINE_MAX ?? 50)
const PINS_N = Number(process.env.BENCH_PINS_N ?? 20)
const SCALE = process.env.BENCH_SCALE !== '0'
const LOOK_UP = process.env.BENCH_LOOK_UP !== '0'
/** Linux's USER_HZ, the unit of /proc/self/stat's CPU times (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100

type Side = 'api' | 'git' | 'baseline'
const SIDES: Side[] = ['api', 'git', 'baseline']

interface Row {
  n: number
  side: Side
  phase: 'first' | 're-run'
  m: Measure
  updated: number
  api: number
  writes: number
  git: number
  packs: number
  /** CPU of the test forge (its node process and the git it spawns) while the side ran. */
  forgeCpu: number | null
}

/**
 * This process's CPU including every child it has reaped (/proc/self/stat: utime, stime, cutime,
 * cstime): the forge, its git http-backend children, and the measured side. Null off Linux.
 */
async function ownAndChildrenCpu(): Promise<number | null> {
  try {
    const stat = await readFile('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields 14-17 of proc(5), counted from the state field (3): indexes 11-14 here.
    const ticks = fields.slice(11, 15).reduce((sum, x) => sum + Number(x), 0)
    return ticks / TICKS_PER_SECOND
  } catch {
    return null
  }
}

async function phase(
  forge: TestForge,
  n: number,
  side: Side,
  name: Row['phase'],
  run: () => Promise<Measure>
): Promise<Row> {
  const before = forge.requests.length
  const tipsBefore = await tips(forge, side)
  const cpuBefore = await ownAndChildrenCpu()
  const m = await run()
  const cpuAfter = await ownAndChildrenCpu()
  const requests = forge.requests.slice(before).filter((r) => r.repo?.startsWith(`${side}/`) || r.repo === null)
  const tipsAfter = await tips(forge, side)
  const updated = [...tipsAfter].filter(([repo, sha]) => tipsBefore.get(repo) !== sha).length
  return {
    n,
    side,
    phase: name,
    m,
    updated,
    api: requests.filter((r) => r.kind === 'api').length,
    writes: requests.filter((r) => r.kind === 'api' && r.method !== 'GET' && r.path !== GRAPHQL_PATH).length,
    git: requests.filter((r) => r.kind === 'git').length,
    packs: requests.filter((r) => r.phase === 'rpc').length,
    // Everything this process and its reaped children used, less the measured side's own tree.
    forgeCpu: cpuBefore === null || cpuAfter === null ? null : Math.max(0, cpuAfter - cpuBefore - m.cpu)
  }
}

async function tips(forge: TestForge, owner: string): Promise<Map<string, string>> {
  const map = new Map<string, string>()
  for (const meta of forge.store.all().filter((m) => m.owner === owner))
    map.set(meta.fullName, (await forge.store.tip(meta, 'main')) ?? '')
  return map
}

async function benchSize(n: number, scratch: string): Promise<Row[]> {
  const forge = await TestForge.start()
  try {
    const names = Array.from({ length: n }, (_, i) => `tpl-${String(i).padStart(3, '0')}`)
    const sides = SIDES.filter((side) => side !== 'baseline' || n <= BASELINE_MAX)
    for (const owner of sides) {
      for (const [i, name] of names.entries()) {
        // A quarter without publish-image.yml; a few files, like a real template.
        await template(forge, `${owner}/${name}`, {
          workflow: i % 4 !== 3,
          pin: '1.9.0',
          files: { Dockerfile: 'FROM python:3.12\n', 'src/app.py': 'print(1)\n'.repeat(200) }
        })
      }
    }
    forge.latencyMs = LATENCY
    const runAction = (transport: 'api' | 'git') => async (): Promise<Measure> => {
      const inputs = { owner: transport, concurrency: String(CONCURRENCY), transport }
      return measured(['node', DIST], await actionFiles(forge, names, inputs, scratch), scratch)
    }
    const baselineEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      SERVER: forge.url,
      API: forge.apiUrl,
      OWNER: 'baseline',
      TOKEN: forge.token,
      VERSION,
      WORK: await mkdtemp(join(scratch, 'baseline-')),
      TEMPLATES: names.join(' ')
    }
    const runBaseline = () => measured(['bash', join(PROJECT_ROOT, 'scripts', 'baseline.sh')], baselineEnv, scratch)
    const rows: Row[] = []
    for (const side of sides) {
      const run = side === 'baseline' ? runBaseline : runAction(side)
      rows.push(await phase(forge, n, side, 'first', run))
      rows.push(await phase(forge, n, side, 're-run', run))
    }
    for (const row of rows) report(row)
    return rows
  } finally {
    await forge.close()
  }
}

/**
 * One pin beside two (the version file and a requirements.txt line), per forge and transport:
 * requests per updated template, first run and re-run. A fresh forge for each, so GitHub's
 * content-creation budget of one does not pace the next.
 */
async function benchPins(scratch: string): Promise<void> {
  console.log(
    `\nOne pin or two, ${PINS_N} templates, latency ${LATENCY} ms:\n\n` +
      '| forge | transport | pins | phase | wall | updated | API req per template | API req per updated | API writes per updated | git req per updated |\n' +
      '|---|---|---|---|---|---|---|---|---|---|'
  )
  for (const flavour of ['gitea-1.25', 'github'] as const)
    for (const transport of ['api', 'git'] as const)
      for (const pins of ['.runtime-version', '.runtime-version\nrequirements.txt: my-runtime=='])
        await pinsSide(flavour, transport, pins, scratch)
}

async function pinsSide(flavour: 'gitea-1.25' | 'github', transport: 'api' | 'git', pins: string, scratch: string) {
  const forge = await TestForge.start({ flavour })
  try {
    const names = Array.from({ length: PINS_N }, (_, i) => `tpl-${String(i).padStart(3, '0')}`)
    for (const name of names)
      await template(forge, `acme/${name}`, { pin: '1.9.0', files: { 'requirements.txt': 'my-runtime==1.9.0\n' } })
    forge.latencyMs = LATENCY
    const count = pins.split('\n').length
    for (const phase of ['first', 're-run']) {
      const before = forge.requests.length
      const tipsBefore = await tips(forge, 'acme')
      const inputs = { pins, transport, concurrency: String(CONCURRENCY), owner: 'acme' }
      const m = await measured(['node', DIST], await actionFiles(forge, names, inputs, scratch), scratch)
      const requests = forge.requests.slice(before)
      const updated = [...(await tips(forge, 'acme'))].filter(([repo, sha]) => tipsBefore.get(repo) !== sha).length
      const per = (x: number) => (updated > 0 ? f(x / updated, 1) : '-')
      const api = requests.filter((r) => r.kind === 'api')
      console.log(
        `| ${flavour} | ${transport} | ${count} | ${phase} | ${f(m.wall)} s | ${updated} | ${f(api.length / names.length, 1)} | ${per(api.length)} | ` +
          `${per(api.filter((r) => r.method !== 'GET' && r.path !== GRAPHQL_PATH).length)} | ${per(requests.filter((r) => r.kind === 'git').length)} |`
      )
    }
  } finally {
    await forge.close()
  }
}

/**
 * The scale figures: N = 2000 on Gitea (a first cascade and a re-run) and N = 1000 on GitHub
 * (a re-run: templates already pinned, since GitHub's content-creation limit of 80 writes a
 * minute, not the action, sets the pace of a first cascade there), at concurrency 32.
 */
async function benchScale(scratch: string): Promise<void> {
  console.log(
    `\nAt scale, concurrency 32, latency ${LATENCY} ms:\n\n` +
      '| forge | N | phase | wall | requests per template | peak RSS | summary size |\n|---|---|---|---|---|---|---|'
  )
  for (const [flavour, n, pin] of [
    ['gitea-1.25', 2000, '1.9.0'],
    ['github', 1000, VERSION]
  ] as const) {
    const forge = await TestForge.start({ flavour })
    try {
      const names = Array.from({ length: n }, (_, i) => `tpl-${String(i).padStart(4, '0')}`)
      for (const name of names) await template(forge, `acme/${name}`, { pin })
      forge.latencyMs = LATENCY
      for (const phase of pin === VERSION ? ['re-run'] : ['first', 're-run']) {
        const before = forge.requests.length
        const inputs = { concurrency: '32', owner: 'acme', transport: 'api' }
        const m = await measured(['node', DIST], await actionFiles(forge, names, inputs, scratch), scratch)
        const summary = (await readFile(join(scratch, 'action-summary'), 'utf8')).length
        const per = (forge.requests.length - before) / n
        console.log(
          `| ${flavour} | ${n} | ${phase} | ${f(m.wall)} s | ${f(per, 2)} | ${f(m.maxrss_mb, 0)} MB | ${f(summary / 1024, 0)} KiB |`
        )
      }
    } finally {
      await forge.close()
    }
  }
}

function report(row: Row): void {
  const per = (x: number) => f(x / row.n, 1)
  const perUpdated = (x: number, digits = 1) => (row.updated > 0 ? f(x / row.updated, digits) : '-')
  const cpuPerUpdated = row.updated > 0 ? `${f((row.m.cpu / row.updated) * 1000, 0)} ms` : '-'
  const rss = row.side === 'baseline' ? '-' : `${f(row.m.maxrss_mb, 0)} MB`
  const forgeCpu = row.forgeCpu === null ? '-' : `${f(row.forgeCpu)} s`
  // How much of the machine the side and the forge kept busy together: near 100 %, CPU-bound.
  const busy =
    row.forgeCpu === null ? '-' : `${f(((row.m.cpu + row.forgeCpu) / (row.m.wall * cpus().length)) * 100, 0)} %`
  console.log(
    `| ${row.n} | ${row.side} | ${row.phase} | ${f(row.m.wall)} s | ${f(row.m.cpu)} s | ${forgeCpu} | ${busy} | ${row.updated} | ${cpuPerUpdated} | ` +
      `${per(row.api)} | ${per(row.git)} | ${perUpdated(row.api + row.git)} | ${row.writes} | ${row.packs} | ${rss} |`
  )
}

/** Start-up: loading the bundle and validating inputs, up to the error for a bad version. */
async function startup(scratch: string): Promise<Measure> {
  const runs: Measure[] = []
  for (let i = 0; i < 5; i++) {
    const env = actionEnv(
      { version: 'not a version', templates: 'x', token: 't' },
      { GITHUB_OUTPUT: join(scratch, 'o'), RUNNER_TEMP: scratch }
    )
    runs.push(await measured(['node', DIST], env, scratch))
  }
  runs.sort((a, b) => a.wall - b.wall)
  return runs[2] // the median of five
}

const scratch = await mkdtemp(join(tmpdir(), 'cascade-bench-'))
console.log(
  `Runtime Cascade benchmark: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${f(totalmem() / 2 ** 30, 0)} GiB, node ${process.version}`
)
console.log(
  `latency ${LATENCY} ms per request, concurrency ${CONCURRENCY}, sizes ${SIZES.join(', ')} (baseline up to ${BASELINE_MAX}); ` +
    'a quarter of the templates have no publish-image.yml\n'
)
console.log(
  '| N | side | phase | wall | CPU (user+sys) | forge CPU | machine busy | updated | CPU per updated | API req/template | git req/template | requests per updated | API writes | upload/receive-pack POSTs | peak RSS |'
)
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|')
const all: Row[] = []
let start: Measure
try {
  start = await startup(scratch)
  for (const n of SIZES) all.push(...(await benchSize(n, scratch)))
  if (PINS_N > 0) await benchPins(scratch)
  if (SCALE) await benchScale(scratch)
  if (LOOK_UP) await benchLookUp(scratch)
} finally {
  await rm(scratch, { recursive: true, force: true })
}
console.log(
  `\nStart-up (bundle load and input validation, median of 5): ${f(start.wall)} s wall, ${f(start.cpu)} s CPU, ${f(start.maxrss_mb, 0)} MB`
)

console.log('\nRatios (baseline ÷ action, same run):')
const find = (n: number, side: Side, p: Row['phase']) => all.find((r) => r.n === n && r.side === side && r.phase === p)
for (const n of SIZES) {
  const [bf, br] = [find(n, 'baseline', 'first'), find(n, 'baseline', 're-run')]
  for (const side of ['api', 'git'] as const) {
    const [af, ar] = [find(n, side, 'first')!, find(n, side, 're-run')!]
    const rss = `peak RSS ${f(Math.max(af.m.maxrss_mb, ar.m.maxrss_mb), 0)} MB`
    if (!bf || !br) {
      console.log(`N=${n} ${side}: first ${f(af.m.wall)} s, re-run ${f(ar.m.wall)} s; ${rss}`)
      continue
    }
    const cpuUpdated = (r: Row) => r.m.cpu / Math.max(1, r.updated)
    console.log(
      `N=${n} ${side}: first cascade ${f(bf.m.wall / af.m.wall, 1)}× faster (${f(af.m.wall)} s); re-run ${f(br.m.wall / ar.m.wall, 1)}× faster ` +
        `(${f(ar.m.wall)} s, pack POSTs ${ar.packs}, writes ${ar.writes}); CPU per updated template ${f(cpuUpdated(bf) / cpuUpdated(af), 1)}× lower; ${rss}`
    )
  }
}
const failedRuns = all.filter((r) => r.m.exit !== 0)
if (failedRuns.length > 0)
  console.log(
    `\nWARNING: ${failedRuns.length} run(s) exited non-zero: ${failedRuns.map((r) => `${r.n}/${r.side}/${r.phase}`).join(', ')}`
  )
