import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestForge } from '../../test-support/forge/forge.js'
import { forgeForEachTest } from '../../test-support/forge-lifecycle.js'
import { runAction } from '../../test-support/run-action.js'
import { inputsFor, resultsOf, template } from '../../test-support/scenario.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Processes whose command line or working directory is under `dir` (Linux /proc). */
async function processesUnder(dir: string): Promise<string[]> {
  const found: string[] = []
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '')
    if (cmdline.includes(dir) || cwd.includes(dir)) found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`)
  }
  return found
}

let forge: TestForge
forgeForEachTest((f) => (forge = f), { latencyMs: 120 })

describe('cancellation', () => {
  it('SIGINT then SIGTERM: exits within seconds, kills its git, pushes nothing more, reports what it knows, leaves no clone', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `t${i}`)
    for (const name of names) await template(forge, name)
    const tipsBefore = await Promise.all(
      names.map((n) => forge.store.resolve(forge.repo(`acme/${n}`), 'refs/heads/main'))
    )
    let cancelledAt = 0
    const runnerTemp = await mkdtemp(join(tmpdir(), 'runner-temp-'))
    const run = await runAction(
      inputsFor(forge, names.join(' '), { transport: 'git', concurrency: '3' }),
      {},
      {
        runnerTemp,
        during: async (child) => {
          // Wait for the first pin to land, then cancel the way a runner does.
          const landed = () => forge.requests.some((r) => r.service === 'receive-pack' && r.phase === 'rpc' && r.doneAt)
          for (let i = 0; i < 200 && !landed(); i++) await sleep(25)
          // From now on clones are slow, so git is surely mid-clone when the cancel comes.
          forge.fault({ service: 'upload-pack', phase: 'rpc' }, { delayMs: 3000 })
          await sleep(400)
          cancelledAt = Date.now()
          child.kill('SIGINT')
          await sleep(300)
          child.kill('SIGTERM')
        }
      }
    )
    const alive = await processesUnder(runnerTemp)
    await rm(runnerTemp, { recursive: true, force: true })
    expect(alive).toEqual([])
    expect(cancelledAt).toBeGreaterThan(0)
    expect(run.exitCode).not.toBe(0)

    // Nothing reaches the forge after the cancel, even after a while.
    await sleep(1500)
    expect(forge.requests.filter((r) => r.kind === 'git' && r.at > cancelledAt + 200)).toEqual([])

    // The outputs tell the truth: what was pinned is `updated`; a push cut short says it may
    // have landed; the rest are `failed` "cancelled".
    const results = resultsOf(run.outputs)
    expect(results).toHaveLength(8)
    const tipsAfter = await Promise.all(
      names.map((n) => forge.store.resolve(forge.repo(`acme/${n}`), 'refs/heads/main'))
    )
    const moved = names.filter((_, i) => tipsAfter[i] !== tipsBefore[i]).map((n) => `acme/${n}`)
    const updated = results.filter((r) => r.status === 'updated').map((r) => r.template)
    const unsure = results.filter((r) => r.reason.startsWith('cancelled while pushing: the pin may have landed'))
    expect(updated.length).toBeGreaterThan(0)
    expect(updated.filter((t) => !moved.includes(t))).toEqual([])
    expect(moved.filter((t) => !updated.includes(t) && !unsure.some((r) => r.template === t))).toEqual([])
    const rest = results.filter((r) => r.status !== 'updated' && !unsure.includes(r))
    expect(rest.length).toBeGreaterThan(0)
    expect(rest.filter((r) => r.status !== 'failed' || r.reason !== 'cancelled')).toEqual([])
    expect(run.outputs['failed-templates'].split(' ').sort()).toEqual(
      [...rest, ...unsure].map((r) => r.template).sort()
    )
    expect(run.summary).toContain('cancelled')
    expect(run.stdout).toMatch(/::error::cancelled \(SIGINT\)/)
    expect(run.leftovers).toEqual([])
  })
})
