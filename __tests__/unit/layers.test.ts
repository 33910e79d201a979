import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { PROJECT_ROOT } from '../../test-support/run-action.js'

/**
 * Data flows one way: inputs → forge → pins → git → landing → pulls → builds → pipeline →
 * report → main. A folder may import from those before it (and from shared/), never from one after it.
 */
const FLOW = ['shared', 'inputs', 'forge', 'pins', 'git', 'landing', 'pulls', 'builds', 'pipeline', 'report', '']
const SRC = join(PROJECT_ROOT, 'src')

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
const layer = (path: string) => {
  const parts = relative(SRC, path).split('/')
  return parts.length > 1 ? parts[0] : ''
}

describe('the flow of src/', () => {
  it('every folder is one of the flow’s layers', () => {
    const folders = [...new Set(files(SRC).map(layer))]
    expect(folders.filter((f) => !FLOW.includes(f))).toEqual([])
  })

  it('no folder imports back up the flow', () => {
    const back = files(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)]
        .map((m) => normalize(join(dirname(file), m[1])))
        .filter((target) => FLOW.indexOf(layer(target)) > FLOW.indexOf(layer(file)))
        .map((target) => `${relative(SRC, file)} imports ${relative(SRC, target)}`)
    )
    expect(back).toEqual([])
  })
})
