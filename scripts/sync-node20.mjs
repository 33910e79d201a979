// Writes node20/action.yml from action.yml: the same action (inputs, outputs, bundle) for
// runners whose node24 support is missing (act_runner before v0.2.13 refuses node24 outright).
// Run by `npm run bundle`; a unit test checks the committed file against action.yml.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = readFileSync(join(root, 'action.yml'), 'utf8')
const runs = '\nruns:\n  using: node24\n  main: dist/index.js\n'
if (!source.endsWith(runs)) throw new Error('action.yml must end with its runs: block (node24, dist/index.js)')
const body = source
  .slice(0, -runs.length)
  .replace(/\n# node20\/action\.yml is the same action[^\n]*\n#[^\n]*\n/, '\n')
  .replace(/\n{3,}/g, '\n\n')
const header =
  '# Generated from ../action.yml by scripts/sync-node20.mjs (npm run bundle): do not edit.\n' +
  '# The same action for runners that cannot run node24 (Gitea act_runner before v0.2.13):\n' +
  '#   uses: <org>/runtime-cascade/node20@v1\n'
mkdirSync(join(root, 'node20'), { recursive: true })
writeFileSync(
  join(root, 'node20', 'action.yml'),
  `${header}${body}\nruns:\n  using: node20\n  main: ../dist/index.js\n`
)
