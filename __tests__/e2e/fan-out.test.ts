import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, resultsOf, template } from '../../test-support/scenario.js'

let forge: TestForge
forgeForEachTest((f) => (forge = f))

/** The most templates the forge saw being worked on at the same time. */
function peakInFlight(): number {
  const spans = new Map<string, { from: number; to: number }>()
  for (const r of forge.requests) {
    if (!r.repo) continue
    const span = spans.get(r.repo) ?? { from: r.at, to: r.doneAt ?? r.at }
    spans.set(r.repo, { from: Math.min(span.from, r.at), to: Math.max(span.to, r.doneAt ?? r.at) })
  }
  const events = [...spans.values()]
    .flatMap((s) => [[s.from, 1] as const, [s.to, -1] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let now = 0
  let peak = 0
  for (const [, delta] of events) peak = Math.max(peak, (now += delta))
  return peak
}

describe('fan-out', () => {
  it('works on exactly `concurrency` templates at once', async () => {
    forge.latencyMs = 40
    const names = ['t1', 't2', 't3', 't4', 't5', 't6', 't7']
    for (const name of names) await template(forge, name)
    const run = await runAction(inputsFor(forge, names.join(' '), { concurrency: '3' }))
    expect(run.exitCode).toBe(0)
    expect(peakInFlight()).toBe(3)
  })

  it('keeps results, the summary and the log groups in input order whatever finishes first', async () => {
    for (const name of ['slow', 'fast1', 'fast2']) await template(forge, name)
    forge.fault({ kind: 'api', repo: 'acme/slow' }, { delayMs: 600 })
    const run = await runAction(inputsFor(forge, 'slow fast1 fast2', { concurrency: '3' }))
    expect(resultsOf(run.outputs).map((r) => r.template)).toEqual(['acme/slow', 'acme/fast1', 'acme/fast2'])
    const rows = run.summary.split('\n').filter((l) => l.startsWith('| [acme/'))
    expect(rows.map((r) => /^\| \[(acme\/[^\]]+)\]/.exec(r)![1])).toEqual(['acme/slow', 'acme/fast1', 'acme/fast2'])
    // ...and so does the log: its groups in the order of the list, the slow one first.
    const groups = run.stdout.split('\n').filter((l) => l.startsWith('::group::'))
    expect(groups.map((l) => /acme\/(\w+)/.exec(l)![1])).toEqual(['slow', 'fast1', 'fast2'])
  })

  it('a template costs one round trip of reads, then one write: every read goes out before any answer', async () => {
    forge.latencyMs = 100
    const a = await template(forge, 'tpl-a')
    await runAction(inputsFor(forge, 'tpl-a'))
    const api = forge.requests.filter((r) => r.kind === 'api' && r.repo === a)
    const reads = api.filter((r) => r.method === 'GET')
    expect(reads).toHaveLength(5) // lookup, three probe paths, version file
    const firstAnswer = Math.min(...reads.map((r) => r.doneAt ?? Infinity))
    expect(reads.every((r) => r.at < firstAnswer)).toBe(true)
    expect(api.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
      'PUT /api/v1/repos/acme/tpl-a/contents/.runtime-version'
    ])
    expect(forge.count({ kind: 'git' })).toBe(0)
  })
})
