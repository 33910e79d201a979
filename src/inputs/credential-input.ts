import { createPrivateKey, type KeyObject } from 'node:crypto'
import { Inputs } from '../shared/constants.js'
import { InputError } from '../shared/errors.js'
import { raw } from './input-values.js'

/** How the action authenticates: a ready token, or a GitHub App that mints one per owner. */
export type Credential =
  | { kind: 'token'; token: string }
  | { kind: 'app'; appId: string; privateKey: KeyObject; secrets: string[] }
  /** `mode: report` talks to no forge. */
  | { kind: 'none' }

export const TOKEN_HELP =
  'token: required, or app-id with app-private-key. Pass a token with write access to every ' +
  'template (for example `token: ${{ secrets.CASCADE_TOKEN }}`), or a GitHub App installed on ' +
  "every templates' owner. The runner's own token will not do: it cannot push to other " +
  'repositories, and on GitHub the pushes it makes start no workflows, so no template would rebuild.'

/**
 * `token`, or `app-id` with `app-private-key`: exactly one of the two forms, checked before any
 * request. An App is GitHub's: on a Gitea or Forgejo API (`<server>/api/v1`) it is an input
 * error. The key must be an RSA private key (GitHub gives a PKCS#1 PEM file); a secret stored
 * with literal "\n" for its line breaks is taken too. No message ever quotes the key.
 */
export function readCredential(report: boolean, apiUrl: string): Credential {
  const token = raw(Inputs.Token).trim()
  const appId = raw(Inputs.AppId).trim()
  const pem = raw(Inputs.AppPrivateKey).trim()
  if (token && (appId || pem))
    throw new InputError('token and app-id/app-private-key are both set: give one form, a token or a GitHub App')
  if (token) {
    if (/\s/.test(token)) throw new InputError('token: contains whitespace; check how the secret was stored')
    return { kind: 'token', token }
  }
  if (!appId && !pem) {
    if (report) return { kind: 'none' }
    throw new InputError(TOKEN_HELP)
  }
  if (!appId)
    throw new InputError("app-id: required with app-private-key: the App's id (or client ID) from its settings")
  if (!pem)
    throw new InputError('app-private-key: required with app-id: the private key GitHub gave the App, as a PEM file')
  if (!/^[A-Za-z0-9.]{1,64}$/.test(appId))
    throw new InputError(`app-id: "${appId}" is neither an App's id (digits) nor its client ID (Iv…)`)
  if (/\/api\/v1\/?$/.test(new URL(apiUrl).pathname))
    throw new InputError(
      `app-id: a GitHub App is GitHub's, and ${apiUrl} is a Gitea or Forgejo API: give those a token instead`
    )
  const text = pem.includes('\\n') && !pem.includes('\n') ? pem.replace(/\\n/g, '\n') : pem
  const lines = text.split('\n').map((l) => l.trim())
  const secrets = [text, ...lines.filter((l) => l.length >= 16 && !l.startsWith('-----'))]
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(text)
  } catch {
    throw new InputError(
      'app-private-key: not a private key in PEM form: paste the whole .pem file GitHub gave the App into the secret'
    )
  }
  if (privateKey.asymmetricKeyType !== 'rsa')
    throw new InputError("app-private-key: not an RSA key: GitHub signs an App's JWT with RS256 only")
  return { kind: 'app', appId, privateKey, secrets }
}
