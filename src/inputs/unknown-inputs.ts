import { Inputs, type InputName } from '../shared/constants.js'

/**
 * Inputs that change what is written, or where: a misspelling of one of these (`dry_run`,
 * `brnach`) must not let the run write as if it had not been given.
 */
const WRITE_SHAPING: ReadonlySet<InputName> = new Set([
  Inputs.Version,
  Inputs.Templates,
  Inputs.TemplatesFile,
  Inputs.Owner,
  Inputs.ServerUrl,
  Inputs.ApiUrl,
  Inputs.Branch,
  Inputs.VersionFile,
  Inputs.Pins,
  Inputs.Mode,
  Inputs.DryRun,
  Inputs.PrBranch,
  Inputs.Downgrade,
  Inputs.AllowPrefixChange,
  Inputs.Shard
])

/** An input the workflow gave that the action does not have, and the known one it most resembles. */
export interface UnknownInput {
  /** As the workflow wrote it, as far as its variable tells (lower case). */
  name: string
  nearest: InputName | null
  /** The nearest input changes what is written: the run must not write. */
  blocks: boolean
}

/**
 * A runner passes every `with:` entry as INPUT_<NAME>, declared or not: upper case, hyphens kept,
 * any other character not a letter or digit as `_` (Gitea Runner v3.3.0: gitea.dev/actionslib
 * v0.7.0 pkg/model/workflow.go, Step.GetEnv; GitHub's runner: spaces as `_`). GitHub's runner
 * warns about an undeclared input; Gitea's and Forgejo's runners say nothing, so the action looks.
 */
export function unknownInputs(env: NodeJS.ProcessEnv): UnknownInput[] {
  const known = new Map(Object.values(Inputs).map((name) => [`INPUT_${name.toUpperCase()}`, name]))
  return Object.keys(env)
    .filter((key) => key.startsWith('INPUT_') && !known.has(key))
    .sort()
    .map((key) => {
      const name = key.slice('INPUT_'.length).toLowerCase()
      const nearest = nearestInput(name)
      const given = (env[key] ?? '').trim() !== ''
      return { name, nearest, blocks: given && nearest !== null && WRITE_SHAPING.has(nearest) }
    })
}

/** The known input within a few edits of `name` (`_` read as `-`), or null when none is close. */
export function nearestInput(name: string): InputName | null {
  const spelt = name.replace(/[_ ]/g, '-')
  let best: { name: InputName; distance: number } | null = null
  for (const known of Object.values(Inputs)) {
    const distance = editDistance(spelt, known)
    if (!best || distance < best.distance) best = { name: known, distance }
  }
  const allowed = Math.max(2, Math.floor(spelt.length / 4))
  return best && best.distance <= allowed ? best.name : null
}

/** Levenshtein distance, one row at a time: names are short. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = row
  }
  return previous[b.length]
}
