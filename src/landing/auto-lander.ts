import type { Signing, TransportChoice } from '../inputs/settings.js'
import type { ApiLander } from './api-lander.js'
import type { GitLander } from './git-lander.js'
import type { Lander, Landing, LandRequest, Transport } from './lander.js'

/**
 * `transport`: `api` and `git` land every pin their way; `auto` lands through the contents API
 * and hands a template to git, saying why in its log, where the API cannot serve it: a forge
 * without the write endpoints (404/405), GitHub's content-creation budget spent, or a bump
 * branch of ours that needs a merge commit to be brought up to date. Under `commit-signing:
 * require` that hand-over fails instead: a push is never signed by the forge.
 */
export class AutoLander implements Lander {
  constructor(
    private readonly choice: TransportChoice,
    private readonly signing: Signing,
    private readonly api: ApiLander,
    /** The git transport, or why git cannot be used here: asked only when a template needs git. */
    private readonly git: () => Promise<GitLander | string>
  ) {}

  async land(request: LandRequest): Promise<Landing & { transport: Transport }> {
    if (this.choice === 'git') return this.viaGit(request, '')
    const landing = await this.api.land(request)
    if (landing.kind !== 'cannot' || this.choice === 'api') return { ...landing, transport: 'api' }
    if (this.signing === 'require') {
      const reason = `${landing.reason}, and git would land it unsigned (commit-signing: require)`
      return { kind: 'failed', reason, attempts: landing.attempts, failure: 'signing', transport: 'api' }
    }
    request.log(`${landing.reason}: landing through git instead`)
    return this.viaGit({ ...request, writesMade: landing.attempts }, landing.reason)
  }

  /** Through git; writes the API made first count in the result and against max-attempts. */
  private async viaGit(request: LandRequest, why: string): Promise<Landing & { transport: 'git' }> {
    const git = await this.git()
    const made = request.writesMade ?? 0
    if (typeof git === 'string') {
      return { kind: 'failed', reason: `${why ? `${why}, and ` : ''}${git}`, attempts: made, transport: 'git' }
    }
    return { ...(await git.land(request)), transport: 'git' }
  }
}
