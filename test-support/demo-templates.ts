import type { TestForge } from './forge/forge.js'
import { template } from './scenario.js'

/** The demo's templates list, with what each one shows. */
export const DEMO_TEMPLATES = `
workspace-template-claude
workspace-template-codex          # no publish-image.yml: soft skip
other-org/workspace-template-adk  # default branch is trunk
workspace-template-locked         # protected branch: the forge refuses the write
`

/** Four templates: one to pin, one without the workflow, one on trunk, one protected. */
export async function seedDemo(forge: TestForge): Promise<void> {
  await template(forge, 'workspace-template-claude', { pin: '0.1.6' })
  await template(forge, 'workspace-template-codex', { workflow: false })
  await template(forge, 'other-org/workspace-template-adk', {
    pin: '0.1.6',
    defaultBranch: 'trunk',
    workflow: '.gitea/workflows/publish-image.yml'
  })
  await template(forge, 'workspace-template-locked', { protectBranch: 'main' })
}
