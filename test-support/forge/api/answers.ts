import type { FlavourFacts } from '../flavours.js'

/** What the REST side answers: JSON `body`, or `raw` text sent as it is (an HTML page, say). */
export interface ApiAnswer {
  status: number
  body?: unknown
  raw?: string
  contentType?: string
  headers?: Record<string, string>
}

/**
 * Error bodies as each family sends them: Gitea/Forgejo `{message, url, errors}`
 * (modules/context/api.go), GitHub `{message, documentation_url, status}`.
 */
export function errorAnswer(
  facts: FlavourFacts,
  baseUrl: string,
  status: number,
  message: string,
  errors: unknown[] = []
): ApiAnswer {
  if (facts.family === 'github') {
    const body: Record<string, unknown> = {
      message,
      documentation_url: 'https://docs.github.com/rest',
      status: String(status)
    }
    if (errors.length > 0) body.errors = errors
    return { status, body }
  }
  return { status, body: { errors: errors.map(String), message, url: `${baseUrl}/api/swagger` } }
}

export function notFound(
  facts: FlavourFacts,
  baseUrl: string,
  what: keyof FlavourFacts['notFound'],
  errors: string[] = []
): ApiAnswer {
  return errorAnswer(facts, baseUrl, 404, facts.notFound[what], facts.family === 'github' ? [] : errors)
}

export const ok = (body: unknown, status = 200): ApiAnswer => ({ status, body })
