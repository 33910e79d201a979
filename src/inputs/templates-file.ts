import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { InputError } from '../shared/errors.js'
import { splitTemplateList } from './template-list.js'

/**
 * Reads `templates-file`: one template a line (`#` comments), or a JSON array of names. One list
 * shared with the rest of a team's tooling cannot drift. An absolute path is taken as it is (a
 * list an earlier step wrote under runner.temp, say); a relative one is in the workspace.
 */
export function readTemplatesFile(path: string, workspace: string): string[] {
  const full = resolve(workspace, path)
  let text: string
  try {
    text = readFileSync(full, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? `no such file: ${full}` : code === 'EISDIR' ? `a directory: ${full}` : code
    throw new InputError(`templates-file: cannot read "${path}" (${why})`)
  }
  if (!text.trimStart().startsWith('[')) return splitTemplateList(text)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new InputError(`templates-file: "${path}" looks like JSON but does not parse: ${(error as Error).message}`)
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new InputError(`templates-file: "${path}" must be a JSON array of template names (strings)`)
  }
  return parsed.map((item) => item.trim()).filter((item) => item.length > 0)
}
