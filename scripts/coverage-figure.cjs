// After `jest`: the coverage of src/ from coverage/coverage-summary.json (written by jest's
// coverage reporter, which runs after the custom reporters), printed as one line for CI and the README.
const { readFileSync } = require('node:fs')
const { join } = require('node:path')

const total = JSON.parse(readFileSync(join(__dirname, '..', 'coverage', 'coverage-summary.json'), 'utf8')).total
const pct = (k) => `${total[k].pct}% of ${k} (${total[k].covered}/${total[k].total})`
console.log(
  `coverage of src/ by the unit and in-process tests: ${pct('lines')}, ${pct('branches')}, ${pct('functions')}`
)
