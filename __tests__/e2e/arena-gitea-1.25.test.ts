import { arenaSuite } from '../../test-support/arena-suite.js'

// The shared scenarios (test-support/scenarios/) on the flavour of a release run live (docs/live-forges.md).
arenaSuite('gitea-1.25')
