import { parse } from 'yaml'
import { handover, SHARD_FORGES, shardWorkflows, type ShardForge } from '../../test-support/shard-workflows.js'

// The workflows docs/shards.md gives, one per forge: the artifact actions that forge can run.
const ACTIONS: Record<ShardForge, [string, string]> = {
  // v4 refuses every other host (GHESNotSupportedError: go-gitea/gitea#31256, actions/upload-artifact#676).
  'github.com': ['actions/upload-artifact@v4', 'actions/download-artifact@v4'],
  // Gitea's v3 artifact API (routers/api/actions/artifacts.go); run live on Gitea 1.26.3.
  gitea: ['actions/upload-artifact@v3', 'actions/download-artifact@v3'],
  forgejo: [
    'https://code.forgejo.org/forgejo/upload-artifact@v4',
    'https://code.forgejo.org/forgejo/download-artifact@v4'
  ],
  // "If you are on GHES, you must use v3" (actions/download-artifact's README).
  ghes: ['actions/upload-artifact@v3', 'actions/download-artifact@v3']
}

describe('the shard workflow of each forge', () => {
  const workflows = shardWorkflows()

  it.each(SHARD_FORGES)('%s: its own artifact actions, one folder handed from the shards to the report', (forge) => {
    const h = handover(workflows[forge])
    expect([h.upload.action, h.download.action]).toEqual(ACTIONS[forge])
    expect(h.upload.path.replace(/\/+$/, '')).toBe(h.shardResults)
    expect(h.download.path).toBe(h.reportReads)
  })

  type Workflow = {
    jobs: {
      cascade: {
        strategy: { 'fail-fast': boolean; matrix: { shard: number[] } }
        steps: Array<{ with: Record<string, string>; 'continue-on-error'?: boolean }>
      }
      report: { needs: string; if: string }
    }
  }

  it.each(SHARD_FORGES)('%s: every shard of the matrix, none cancelled, and a report whatever they did', (forge) => {
    const doc = parse(workflows[forge]) as Workflow
    const { strategy, steps } = doc.jobs.cascade
    expect(strategy['fail-fast']).toBe(false)
    const n = strategy.matrix.shard.length
    expect(steps[0].with.shard).toBe(`\${{ matrix.shard }}/${n}`)
    expect(steps[0]['continue-on-error']).toBe(true)
    expect(doc.jobs.report).toMatchObject({ needs: 'cascade', if: 'always()' })
  })

  it('github.com: a re-run replaces its shard’s artifact (overwrite), or its upload fails 409', () => {
    expect(workflows['github.com']).toMatch(/overwrite: true/)
  })
})
