import type { FileRead, RepoInfo } from '../src/forge/forge-shapes.js'
import { readInputs } from '../src/inputs/read-inputs.js'
import type { Settings } from '../src/inputs/settings.js'
import type { LookUp } from '../src/pipeline/look-up.js'

/**
 * What the decision tables start from: Settings read the way the action reads them (from
 * INPUT_* variables), and a template's look-up round as the forge would have answered it.
 */
export function settingsOf(inputs: Record<string, string> = {}): Settings {
  for (const key of Object.keys(process.env)) if (key.startsWith('INPUT_')) delete process.env[key]
  const all = {
    version: '1.2.3',
    templates: 'acme/a',
    token: 'x',
    'server-url': 'https://git.example.com',
    'api-url': 'https://git.example.com/api/v1',
    ...inputs
  }
  for (const [name, value] of Object.entries(all)) process.env[`INPUT_${name.toUpperCase()}`] = value
  return readInputs().settings
}

export const REPO: RepoInfo = {
  fullName: 'acme/a',
  owner: 'acme',
  name: 'a',
  defaultBranch: 'main',
  archived: false,
  mirror: false,
  fork: false,
  empty: false,
  canPush: true
}

export const fileRead = (text: string): FileRead => ({ kind: 'file', sha: 'a'.repeat(40), bytes: Buffer.from(text) })

/** A template whose version file reads `pin` (null: none), with a workflow that reads it. */
export function lookUpOf(pin: string | null = '0.1.0', changes: Partial<LookUp> = {}): LookUp {
  const workflow = { path: '.github/workflows/publish-image.yml', bytes: Buffer.from('cat .runtime-version') }
  return {
    repo: REPO,
    branchExists: true,
    workflow,
    workflows: [workflow],
    files: new Map(pin === null ? [] : [['.runtime-version', fileRead(`${pin}\n`)]]),
    ...changes
  }
}
