import type { Arena } from '../arena.js'

/**
 * One scenario: arranged through an Arena, the bundled action run against it, asserted on the
 * repositories. The same list runs on the loopback test forge (npm test) and on a live Gitea or
 * Forgejo (npm run test:live), with the same assertions.
 */
export interface Scenario {
  name: string
  /**
   * What the arena must offer: `builds`, a runner that takes the templates' publish workflows;
   * `workflow-step`, a forge that runs the action itself as a workflow step (live only: the test
   * forge derives runs from pushes and runs nothing).
   */
  needs?: 'builds' | 'workflow-step'
  run(arena: Arena): Promise<void>
}
