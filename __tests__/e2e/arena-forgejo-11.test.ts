import { arenaSuite } from '../../test-support/arena-suite.js'

// The shared scenarios (test-support/scenarios/) on Forgejo v11's flavour, read from its source (no Forgejo could be run live here).
arenaSuite('forgejo-11')
