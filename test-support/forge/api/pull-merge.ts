import type { FlavourFacts } from '../flavours.js'
import { commitBody, updateRef, writeObject } from '../git-objects.js'
import { ident, type PullRequest, type RepoMeta, type RepoStore } from '../repo-store.js'
import { errorAnswer, notFound, ok, type ApiAnswer } from './answers.js'
import { TOKEN_USER } from './contents.js'

type Json = Record<string, unknown>

/**
 * Merging a pull request, and asking for it once the checks pass:
 * - Gitea/Forgejo `POST /pulls/{n}/merge` {Do, merge_when_checks_succeed} (routers/api/v1/repo/
 *   pull.go MergePullRequest, release/v1.22 to v1.26; each answer below seen on Gitea 1.22.6 and
 *   1.26.3 built from their tags): a WIP title is 405 "Work in progress PRs cannot be merged";
 *   the first request after a push to the head is 405 "Please try again later" (Gitea checks a
 *   pull request in a queue after each push: three such answers in 1.5 s were seen, played here
 *   as one); with merge_when_checks_succeed the merge is scheduled, 201, whatever is pending, and
 *   409 "already scheduled" when it was (see `scheduledMergeChecks` for what happens next);
 *   without it, checks pending (`requiredChecks`) are 405 in the flavour's words (`heldBack`),
 *   and otherwise it merges, 200.
 * - GitHub `PUT /pulls/{n}/merge` {merge_method}: 200 {sha, merged, message}; and GraphQL
 *   `enablePullRequestAutoMerge`, which answers 200 with `errors` "Auto merge is not allowed for
 *   this repository" when the repository's setting is off (reported: AliceJump/ok-end-field#211)
 *   and "Pull request Pull request is in clean status" when nothing is pending (reported:
 *   peter-evans/enable-pull-request-automerge#1118), "... is in unstable status" when checks no
 *   rule requires are pending or failing (reported: peter-evans/enable-pull-request-automerge#355;
 *   "Failing/pending commit status that is not part of the required status checks. Merging is
 *   allowed.", octokit/octokit.net#1763), where `PUT merge` merges.
 * A merge here is one commit on the base with the head's tree (the bump branch is the base plus
 * the pin), with both tips as parents; the methods differ on a real forge, not here.
 */
export class PullMergeApi {
  constructor(
    private readonly store: RepoStore,
    private readonly facts: FlavourFacts,
    private readonly baseUrl: string
  ) {}

  async merge(meta: RepoMeta, number: number, body: Json): Promise<ApiAnswer> {
    const pull = meta.pulls.find((p) => p.number === number && p.state === 'open')
    if (!pull) return notFound(this.facts, this.baseUrl, 'repo')
    if (this.facts.family === 'github') {
      // A required check not yet reported: 405 'Required status check "X" is expected.'
      // (PennyDreadfulMTG/Penny-Dreadful-Tools#6226, with its documentation_url).
      if (meta.requiredChecks)
        return {
          status: 405,
          body: {
            message: 'Required status check "build" is expected.',
            documentation_url: 'https://help.github.com/articles/about-protected-branches'
          }
        }
      const sha = await this.land(meta, pull)
      return ok({ sha, merged: true, message: 'Pull Request successfully merged' })
    }
    const refused = (message: string) => errorAnswer(this.facts, this.baseUrl, 405, message)
    if (/^\s*(WIP:|\[WIP\])/i.test(pull.title)) return refused('Work in progress PRs cannot be merged')
    const head = (await this.store.tip(meta, pull.head)) ?? ''
    if (pull.checkedHead !== head) {
      pull.checkedHead = head
      return refused('Please try again later')
    }
    if (body.merge_when_checks_succeed === true) return this.schedule(meta, pull, String(body.do ?? body.Do ?? 'merge'))
    if (meta.requiredChecks) return refused(this.facts.heldBack('Not all required status checks successful'))
    await this.land(meta, pull)
    return { status: 200 }
  }

  /** Gitea/Forgejo's scheduled merge: see `scheduledMergeChecks` for whether it merges by itself. */
  private async schedule(meta: RepoMeta, pull: PullRequest, method: string): Promise<ApiAnswer> {
    if (pull.autoMerge) {
      const id = meta.id * 1000 + pull.number
      const message = `pull request is already scheduled to auto merge when checks succeed [pull_id: ${id}]`
      return errorAnswer(this.facts, this.baseUrl, 409, message)
    }
    pull.autoMerge = method
    if (this.facts.scheduledMergeChecks && !meta.requiredChecks) await this.land(meta, pull)
    return { status: 201 }
  }

  /** The GitHub flavour's GraphQL endpoint: only the mutation the action sends. */
  async graphql(body: Json): Promise<ApiAnswer> {
    const query = String(body.query ?? '')
    const variables = (body.variables ?? {}) as Json
    if (!/enablePullRequestAutoMerge/.test(query)) return ok({ errors: [{ message: 'unsupported by the test forge' }] })
    const m = /^PR_(\d+)_(\d+)$/.exec(String(variables.id ?? ''))
    const meta = m ? this.store.byId(Number(m[1])) : undefined
    const pull = meta?.pulls.find((p) => p.number === Number(m![2]))
    const fail = (message: string, type = 'UNPROCESSABLE') =>
      ok({
        data: { enablePullRequestAutoMerge: null },
        errors: [{ type, path: ['enablePullRequestAutoMerge'], message }]
      })
    if (!meta || !pull)
      return fail(`Could not resolve to a node with the global id of '${String(variables.id)}'`, 'NOT_FOUND')
    if (!meta.allowAutoMerge) return fail('Auto merge is not allowed for this repository')
    if (!meta.requiredChecks && meta.optionalChecksPending)
      return fail('Pull request Pull request is in unstable status')
    if (!meta.requiredChecks) return fail('Pull request Pull request is in clean status')
    pull.autoMerge = String(variables.method ?? 'MERGE')
    const enabledAt = new Date().toISOString()
    return ok({
      data: { enablePullRequestAutoMerge: { pullRequest: { number: pull.number, autoMergeRequest: { enabledAt } } } }
    })
  }

  private async land(meta: RepoMeta, pull: PullRequest): Promise<string> {
    const base = `refs/heads/${pull.base}`
    // Bounded: a base that keeps moving under the test is a test bug, said as one.
    for (let tries = 0; tries < 5; tries++) {
      const [tip, head] = [await this.store.tip(meta, pull.base), await this.store.tip(meta, pull.head)]
      const info = await this.store.commitInfo(meta, head!)
      const who = ident(TOKEN_USER)
      const message = `Merge pull request #${pull.number} from ${pull.head}`
      const sha = await writeObject(meta.dir, 'commit', commitBody(info.tree, [tip!, head!], who, who, message))
      if (await updateRef(meta.dir, base, sha, tip, () => this.store.tip(meta, pull.base))) {
        this.store.pushed(meta, pull.base, sha)
        pull.state = 'closed'
        pull.merged = true
        pull.mergeCommit = sha
        return sha
      }
    }
    throw new Error(`${pull.base} kept moving while #${pull.number} was merged`)
  }
}
