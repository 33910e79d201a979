import type { VerifyBuild } from '../inputs/settings.js'
import type { TemplateResult } from './template-result.js'

/**
 * verify-build's verdict, once each build is known. `true` keeps a pin whose build never
 * started (a warning names it); `require` fails it. A build that is `unknown` (no API, polling
 * cut short) never fails a pinned template. In pull-request mode there is nothing to look for
 * until the pull request is merged, and the result says so.
 */
export async function withBuilds(results: TemplateResult[], rule: VerifyBuild): Promise<TemplateResult[]> {
  if (rule === 'false') return results
  return Promise.all(
    results.map(async (r) => {
      const { pendingBuild, ...rest } = r
      if (r.status === 'pr-opened' || r.status === 'pr-exists') {
        return {
          ...rest,
          build: {
            build: 'unknown' as const,
            reason: 'pull-request mode: the build starts when the pull request is merged'
          }
        }
      }
      if (!pendingBuild) return rest
      const build = await pendingBuild
      if (build.build === 'not-started' && rule === 'require') {
        return {
          ...rest,
          build,
          status: 'failed' as const,
          failure: 'other' as const,
          reason: `${r.reason}; but ${build.reason} (verify-build: require)`
        }
      }
      return { ...rest, build }
    })
  )
}
