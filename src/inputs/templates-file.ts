import { readFileSync } from 'node:fs'
import { isAbsolute, relative, resolve } from 'node:path'
import { InputError } from '../shared/errors.js'
import { splitTemplateList } from './template-list.js'

/**
 * Reads `templates-file`: a path in the workspace holding one template a line (`#` comments),
 * or a JSON array of names. One list shared with the rest of a team's tooling cannot drift.
 */
export function readTemplatesFile(path: string, workspace: string): string[] {
  const full = resolve(workspace, path)
  const inside = relative(workspace, full)
  if (isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside)) {
    throw new InputError(`templates-file: "${path}" is not a path inside the workspace`)
  }
  let text: string
  try {
    text = readFileSync(full, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new InputError(
      `templates-file: cannot read "${path}" (${code === 'ENOENT' ? 'no such file in the workspace' : code})`
    )
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
