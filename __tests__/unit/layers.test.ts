import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'
import { PROJECT_ROOT } from '../../test-support/run-action.js'

/**
 * Data flows one way: inputs → forge → pins → git → landing → pulls → builds → pipeline →
 * report → main. A folder may import from those before it (and from shared/), never from one after it.
 */
const FLOW = ['shared', 'inputs', 'forge', 'pins', 'git', 'landing', 'pulls', 'builds', 'pipeline', 'report', '']
const SRC = join(PROJECT_ROOT, 'src')
const SUPPORT = join(PROJECT_ROOT, 'test-support')

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : []
  })
const layer = (path: string) => {
  const parts = relative(SRC, path).split('/')
  return parts.length > 1 ? parts[0] : ''
}

/** Each .ts file under `root` and the files it imports (type imports too: a circle of types is one still). */
function imports(root: string): Map<string, string[]> {
  return new Map(
    files(root).map((file) => [
      file,
      [...readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) =>
        normalize(join(dirname(file), m[1].replace(/\.js$/, '.ts')))
      )
    ])
  )
}

/** Files that import each other, directly or round a longer path: each circle once, as its files. */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const visit = (file: string) => {
    state.set(file, 'open')
    path.push(file)
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue
      if (state.get(next) === 'open') found.push(path.slice(path.indexOf(next)))
      else if (!state.has(next)) visit(next)
    }
    path.pop()
    state.set(file, 'done')
  }
  for (const file of graph.keys()) if (!state.has(file)) visit(file)
  return found.map((c) => c.map((f) => relative(PROJECT_ROOT, f)))
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

  it.each([
    ['src/', SRC],
    ['test-support/', SUPPORT]
  ])('no file of %s imports one that imports it back, round any path', (_name, root) => {
    expect(circles(imports(root))).toEqual([])
  })
})
