import * as core from '@actions/core'
import type { InputName } from '../shared/constants.js'
import { InputError } from '../shared/errors.js'
import { DEFAULTS } from './defaults.js'

// A runner that does not evaluate expressions (GitHub's local-action tool, say) passes an
// action.yml default such as `${{ github.server_url }}` through as literal text. No input can
// mean that literally, so it counts as unset and the fallback applies.
const UNEVALUATED = /\$\{\{[\s\S]*\}\}/

/** The input as given; '' when unset or an unevaluated expression. */
export function raw(name: InputName): string {
  const value = core.getInput(name)
  return UNEVALUATED.test(value) ? '' : value
}

/** The input, or action.yml's default when the runner left it unset. */
export function input(name: InputName): string {
  const value = raw(name)
  if (value !== '') return value
  return (DEFAULTS as Record<string, string>)[name] ?? ''
}

export function integer(name: InputName, min: number, max: number): number {
  const text = input(name).trim()
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new InputError(`${name}: "${text}" is not a whole number from ${min} to ${max}`)
  }
  return value
}

export function boolean(name: InputName): boolean {
  const text = input(name).trim()
  if (/^(true|True|TRUE)$/.test(text)) return true
  if (/^(false|False|FALSE)$/.test(text)) return false
  throw new InputError(`${name}: "${text}" is not true or false`)
}

export function choice<T extends string>(name: InputName, options: readonly T[]): T {
  const text = input(name).trim()
  if (!(options as readonly string[]).includes(text)) {
    throw new InputError(`${name}: "${text}" is not one of ${options.join(', ')}`)
  }
  return text as T
}

/** An http(s) base URL from the input, else from the runner's variable; no credentials, no query. */
export function baseUrl(name: InputName, fallbackEnv: string): string {
  const text = (raw(name) || process.env[fallbackEnv] || '').trim()
  if (!text) throw new InputError(`${name}: empty, and ${fallbackEnv} is not set`)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InputError(`${name}: "${text}" is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${name}: "${text}" is not an http(s) URL`)
  }
  // Credentials in a URL end up in logs and process listings; the token input is the only way in.
  if (url.username || url.password) {
    throw new InputError(`${name}: must not contain credentials; pass them through the token input`)
  }
  if (url.search || url.hash) throw new InputError(`${name}: "${text}" must not have a query or fragment`)
  return url.toString().replace(/\/+$/, '')
}

/** A path inside the repository, as git and the contents API both take it. */
export function repoPath(name: InputName, text: string): string {
  const path = text.trim()
  const segments = path.split('/')
  const bad =
    path.length === 0 ||
    path.length > 255 ||
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    /[\x00-\x1f\x7f\\"]/.test(path) ||
    segments.some((s) => s === '' || s === '.' || s === '..') ||
    segments[0].toLowerCase() === '.git'
  if (bad) throw new InputError(`${name}: "${text}" is not a relative file path inside the repository`)
  return path
}

export function validBranch(name: string): boolean {
  return /^[A-Za-z0-9._/+-]{1,200}$/.test(name) && !/\.\.|\/\/|^[-/.]|[/.]$|\.lock$|@\{/.test(name)
}
