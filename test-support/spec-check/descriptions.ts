import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Flavour } from '../forge/flavours.js'
import type { Schema } from './schema.js'

/** One operation of a description, as scripts/slice-specs.mjs sliced it. */
export interface Operation {
  /** Path parameters and their types. */
  path: Record<string, string>
  query: Record<string, Schema>
  body: Schema | null
  /** Declared statuses ("200", "default"), each with its JSON schema where it has one. */
  responses: Record<string, Schema | null>
}

export interface Description {
  /** The release, repository, branch and commit (or package version) it was sliced from. */
  source: string
  operations: Record<string, Operation>
  schemas: Record<string, Schema>
}

/** Which description judges each flavour of the test forge. */
export const DESCRIPTION_OF: Record<Flavour, string> = {
  'gitea-1.22': 'gitea-1.22',
  'gitea-1.23': 'gitea-1.23',
  'gitea-1.24': 'gitea-1.24',
  'gitea-1.25': 'gitea-1.25',
  // Sliced from tag v1.26.3's own swagger (scripts/slice-specs.mjs --gitea-release), the release run live.
  'gitea-1.26': 'gitea-1.26',
  forgejo: 'forgejo-v10',
  'forgejo-11': 'forgejo-v11',
  github: 'github',
  ghes: 'ghes'
}

const SPECS = join(dirname(fileURLToPath(import.meta.url)), '..', 'specs')
const loaded = new Map<string, Description>()

export function description(flavour: Flavour): Description {
  const name = DESCRIPTION_OF[flavour]
  let found = loaded.get(name)
  if (!found) {
    found = JSON.parse(readFileSync(join(SPECS, `${name}.json`), 'utf8')) as Description
    loaded.set(name, found)
  }
  return found
}

// Parameters that may hold slashes: a file path, a branch (bump/runtime-1.2.3), a ref.
const MULTI_SEGMENT = new Set(['filepath', 'path', 'branch', 'head', 'ref', 'sha'])

/**
 * The operation a request is, by method and path below the API base: the most specific
 * template that matches, with integer parameters only digits.
 */
export function matchOperation(d: Description, method: string, path: string): { key: string; op: Operation } | null {
  const candidates = Object.entries(d.operations)
    .filter(([key]) => key.startsWith(`${method} `))
    .map(([key, op]) => ({ key, op, template: key.slice(method.length + 1) }))
    .sort(
      (a, b) =>
        b.template.split('/').length - a.template.split('/').length || literals(b.template) - literals(a.template)
    )
  for (const { key, op, template } of candidates) {
    const names: string[] = []
    const pattern = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      names.push(name)
      return MULTI_SEGMENT.has(name) ? '(.+)' : '([^/]+)'
    })
    const m = new RegExp(`^${pattern}$`).exec(path)
    if (!m) continue
    if (names.every((name, n) => op.path[name] !== 'integer' || /^\d+$/.test(m[n + 1]))) return { key, op }
  }
  return null
}

function literals(template: string): number {
  return template.split('/').filter((s) => s && !s.startsWith('{')).length
}
