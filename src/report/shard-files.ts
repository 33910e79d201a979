import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { Settings, Shard } from '../inputs/settings.js'
import type { TemplateResult } from '../pipeline/template-result.js'
import { InputError } from '../shared/errors.js'
import { RunStopError } from '../shared/run-control.js'

/** What a shard run leaves for the report job: its results, in the order of the whole list. */
interface ShardFile {
  format: 'runtime-cascade-shard/1'
  version: string
  shard: Shard
  /** Why the shard's run stopped (a rejected token, a failing forge), when it did. */
  stopped: string | null
  results: Array<Omit<TemplateResult, 'pendingBuild'> & { position: number }>
}

/** A shard run with `shard-results`: writes `shard-<i>-of-<n>.json` there. */
export async function writeShardFile(
  settings: Settings,
  results: TemplateResult[],
  position: Map<string, number>,
  stopped: RunStopError | null
): Promise<void> {
  if (!settings.shard || !settings.shardResults) return
  const file: ShardFile = {
    format: 'runtime-cascade-shard/1',
    version: settings.version,
    shard: settings.shard,
    stopped: stopped?.message ?? null,
    results: results.map(({ pendingBuild: _pending, ...r }) => ({ ...r, position: position.get(r.template) ?? -1 }))
  }
  await mkdir(settings.shardResults, { recursive: true })
  const name = `shard-${settings.shard.index}-of-${settings.shard.count}.json`
  await writeFile(join(settings.shardResults, name), `${JSON.stringify(file)}\n`)
}

/**
 * `mode: report`: every shard file below the directory (download-artifact puts each artifact in
 * its own folder), merged in the order of the whole list. A shard missing, written twice, for
 * another version or n, or stopped makes the report fail, naming it: its templates are unknown.
 */
export async function readShardFiles(
  settings: Settings
): Promise<{ results: TemplateResult[]; stop: RunStopError | null }> {
  const { files, unreadable } = await shardFiles(settings.shardResults)
  if (files.length + unreadable.length === 0)
    throw new InputError(`shard-results: no shard results found below ${settings.shardResults}`)
  const count = files[0]?.shard.count ?? unreadable[0].count
  const problems = unreadable.map(
    (u) =>
      `shard ${u.index}/${u.count}: ${u.file} could not be read (${u.why}); its upload may have been cut short: run that shard again`
  )
  const seen = new Map<number, ShardFile>()
  for (const f of files) {
    if (f.version !== settings.version)
      problems.push(`shard ${f.shard.index}/${f.shard.count} pinned ${f.version}, not ${settings.version}`)
    else if (f.shard.count !== count)
      problems.push(`shard ${f.shard.index}/${f.shard.count} is from a matrix of ${f.shard.count}, not ${count}`)
    else if (seen.has(f.shard.index)) problems.push(`shard ${f.shard.index}/${count} was given twice`)
    else seen.set(f.shard.index, f)
    if (f.stopped) problems.push(`shard ${f.shard.index}/${f.shard.count} stopped: ${f.stopped}`)
  }
  for (let i = 1; i <= count; i++)
    if (!seen.has(i) && !unreadable.some((u) => u.index === i))
      problems.push(`shard ${i}/${count} is missing (its run failed or its artifact was not downloaded)`)
  const results = [...seen.values()]
    .flatMap((f) => f.results)
    .sort((a, b) => a.position - b.position)
    .map(({ position: _position, ...r }) => r as TemplateResult)
  const message = `the report is incomplete: ${problems.join('; ')}`
  const stop = problems.length > 0 ? new RunStopError(message, `not attempted: ${message}`, message) : null
  return { results, stop }
}

/** A shard's file that is not JSON: named by its path below shard-results and the shard its name gives. */
interface Unreadable {
  file: string
  index: number
  count: number
  why: string
}

async function shardFiles(dir: string): Promise<{ files: ShardFile[]; unreadable: Unreadable[] }> {
  const files: ShardFile[] = []
  const unreadable: Unreadable[] = []
  const walk = async (at: string, depth: number): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true }).catch(() => [])) {
      const path = join(at, entry.name)
      const name = /^shard-(\d+)-of-(\d+)\.json$/.exec(entry.name)
      if (entry.isDirectory() && depth < 3) await walk(path, depth + 1)
      else if (entry.isFile() && name) {
        let data: ShardFile
        try {
          data = JSON.parse(await readFile(path, 'utf8')) as ShardFile
        } catch (error) {
          const why = (error as Error).message
          unreadable.push({ file: relative(dir, path), index: Number(name[1]), count: Number(name[2]), why })
          continue
        }
        // Unreadable state fails closed: a file that is not a shard's is an error, not skipped.
        if (data?.format !== 'runtime-cascade-shard/1')
          throw new InputError(`shard-results: ${path} is not a shard results file`)
        files.push(data)
      }
    }
  }
  await walk(dir, 0)
  return { files, unreadable }
}
