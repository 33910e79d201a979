import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { PROJECT_ROOT } from './run-action.js'

/** The forges docs/shards.md gives a shard workflow for. */
export const SHARD_FORGES = ['github.com', 'gitea', 'forgejo', 'ghes'] as const
export type ShardForge = (typeof SHARD_FORGES)[number]

/** Every workflow of docs/shards.md, by forge: each YAML block opens with `# shards on <forge>`. */
export function shardWorkflows(): Record<ShardForge, string> {
  const text = readFileSync(join(PROJECT_ROOT, 'docs', 'shards.md'), 'utf8')
  const found: Partial<Record<ShardForge, string>> = {}
  for (const [, body] of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const forge = /^# shards on (\S+)/.exec(body)?.[1] as ShardForge | undefined
    if (forge && SHARD_FORGES.includes(forge)) found[forge] = body
  }
  for (const forge of SHARD_FORGES) if (!found[forge]) throw new Error(`docs/shards.md has no workflow for ${forge}`)
  return found as Record<ShardForge, string>
}

interface Step {
  uses?: string
  with?: Record<string, unknown>
}

export interface Handover {
  /** The shard step's shard-results folder, which the upload step sends. */
  shardResults: string
  upload: { action: string; name: string; path: string }
  download: { action: string; path: string; pattern?: string; name?: string; mergeMultiple: boolean }
  /** The report step's shard-results folder. */
  reportReads: string
}

/** How a workflow hands the shards' files to the report: its upload and download steps and folders. */
export function handover(workflow: string): Handover {
  const doc = parse(workflow) as { jobs: Record<string, { steps: Step[] }> }
  const uses = (steps: Step[], what: RegExp) => {
    const step = steps.find((s) => what.test(s.uses ?? ''))
    if (!step) throw new Error(`no step uses ${what}`)
    return { action: step.uses!, with: step.with ?? {} }
  }
  const shard = uses(doc.jobs.cascade.steps, /runtime-cascade/)
  const up = uses(doc.jobs.cascade.steps, /upload-artifact/)
  const down = uses(doc.jobs.report.steps, /download-artifact/)
  const report = uses(doc.jobs.report.steps, /runtime-cascade/)
  const text = (v: unknown) => (v === undefined ? undefined : String(v))
  return {
    shardResults: String(shard.with['shard-results']),
    upload: { action: up.action, name: String(up.with.name), path: String(up.with.path) },
    download: {
      action: down.action,
      path: String(down.with.path ?? '.'),
      pattern: text(down.with.pattern),
      name: text(down.with.name),
      mergeMultiple: down.with['merge-multiple'] === true
    },
    reportReads: String(report.with['shard-results'])
  }
}

/**
 * Where a download step puts an artifact's files, below the workspace, as each action's README
 * says: without `name`, every artifact (or every one matching `pattern`, v4) in a folder of its
 * name below `path` ("To differentiate between downloaded artifacts, a directory denoted by the
 * artifacts name will be created", download-artifact v2/v3); with v4's `merge-multiple: true`,
 * or with `name`, in `path` itself. Forgejo's fork of v4 does as v4.
 */
export function downloadedTo(down: Handover['download'], artifact: string): string {
  const root = down.path.replace(/\/+$/, '')
  return down.name !== undefined || down.mergeMultiple ? root : join(root, artifact)
}

/** Whether a download step takes this artifact: `name` exactly, `pattern` as a glob with `*`, else every one. */
export function downloads(down: Handover['download'], artifact: string): boolean {
  if (down.name !== undefined) return down.name === artifact
  if (down.pattern === undefined) return true
  const glob = new RegExp(`^${down.pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
  return glob.test(artifact)
}

/**
 * A docs workflow made runnable on a live forge: on push instead of a dispatch with a version,
 * the action as the arena published it, the arena's templates and runner label.
 */
export function forLiveRun(
  workflow: string,
  run: { action: string; templates: string; version: string; runsOn: string }
): string {
  const adapted = workflow
    .replace(/^on:\n(?: {2}.*\n)+/m, 'on: push\n')
    .replaceAll('acme/runtime-cascade@<commit>', run.action)
    .replaceAll('${{ inputs.version }}', run.version)
    .replaceAll('org:acme-templates', JSON.stringify(run.templates))
    .replaceAll('runs-on: ubuntu-latest', `runs-on: ${run.runsOn}`)
  if (/<commit>|inputs\.version|acme-templates/.test(adapted)) throw new Error('the docs workflow changed shape')
  return adapted
}
