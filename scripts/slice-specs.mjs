// Makes test-support/specs/*.json: the slice of each forge's own API description that the test
// forge answers for (operations, parameters, request bodies, statuses, response fields and
// types; no prose), so the test suite can check every exchange against the real descriptions
// without the descriptions themselves (GitHub's package is hundreds of MB).
//
//   node scripts/slice-specs.mjs            # Gitea/Forgejo from ../shared/specs, GitHub from npm
//   node scripts/slice-specs.mjs --github path/to/api.github.com.json
//   node scripts/slice-specs.mjs --gitea-release GIT_DIR   # also gitea-1.26 from a Gitea clone's tag
//
// Sources: ../shared/specs/README.md names the Gitea and Forgejo release and commit of each
// swagger (both MIT licensed); GitHub's is @octokit/openapi's generated/api.github.com.json
// (MIT), at the version below. Gitea 1.26 has no swagger in ../shared/specs: with
// --gitea-release, its slice is read from the tag below of a Gitea clone (bircni/gitea mirrors
// go-gitea/gitea with every tag), templates/swagger/v1_json.tmpl, the release the live runs used;
// without it, the committed gitea-1.26.json is left as it is.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SHARED = join(ROOT, '..', 'shared', 'specs')
const OUT = join(ROOT, 'test-support', 'specs')
const OCTOKIT_OPENAPI = '23.0.2'
// GitHub Enterprise Server: the newest release the package describes (the test forge's ghes flavour).
const GHES_FILE = 'ghes-3.19.json'

/** What the test forge serves, below each API's base (methods taken from the description). */
const PATHS = [
  '/version',
  '/user',
  '/user/repos',
  '/users/{username}',
  '/users/{username}/repos',
  '/orgs/{org}/repos',
  '/repos/search',
  '/search/repositories',
  '/rate_limit',
  '/installation/repositories',
  '/orgs/{org}/installation',
  '/users/{username}/installation',
  '/repos/{owner}/{repo}/installation',
  '/app/installations/{installation_id}/access_tokens',
  '/repos/{owner}/{repo}',
  '/repos/{owner}/{repo}/branches',
  '/repos/{owner}/{repo}/branches/{branch}',
  '/repos/{owner}/{repo}/git/refs',
  '/repos/{owner}/{repo}/git/commits',
  '/repos/{owner}/{repo}/git/commits/{sha}',
  '/repos/{owner}/{repo}/git/trees',
  '/repos/{owner}/{repo}/git/trees/{tree_sha}',
  '/repos/{owner}/{repo}/git/refs/{ref}',
  '/repos/{owner}/{repo}/commits/{ref}',
  '/repos/{owner}/{repo}/contents',
  '/repos/{owner}/{repo}/contents/{filepath}',
  '/repos/{owner}/{repo}/contents/{path}',
  '/repos/{owner}/{repo}/pulls',
  '/repos/{owner}/{repo}/pulls/{index}',
  '/repos/{owner}/{repo}/pulls/{pull_number}',
  '/repos/{owner}/{repo}/pulls/{base}/{head}',
  '/repos/{owner}/{repo}/pulls/{index}/commits',
  '/repos/{owner}/{repo}/pulls/{pull_number}/commits',
  '/repos/{owner}/{repo}/pulls/{index}/merge',
  '/repos/{owner}/{repo}/pulls/{pull_number}/merge',
  '/repos/{owner}/{repo}/pulls/{index}/requested_reviewers',
  '/repos/{owner}/{repo}/pulls/{index}/reviews',
  '/repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
  '/repos/{owner}/{repo}/issues/{index}/comments',
  '/repos/{owner}/{repo}/issues/{issue_number}/comments',
  '/repos/{owner}/{repo}/issues/{index}/labels',
  '/repos/{owner}/{repo}/issues/{issue_number}/labels',
  '/repos/{owner}/{repo}/issues/{issue_number}/assignees',
  '/repos/{owner}/{repo}/labels',
  '/orgs/{org}/labels',
  '/repos/{owner}/{repo}/actions/runs',
  '/repos/{owner}/{repo}/actions/tasks',
  '/repos/{owner}/{repo}/commits/{ref}/status'
]
const METHODS = ['get', 'put', 'post', 'patch', 'delete']

const GITEA = [
  ['gitea-1.22', 'gitea-1.22.json'],
  ['gitea-1.23', 'gitea-1.23.json'],
  ['gitea-1.24', 'gitea-1.24.json'],
  ['gitea-1.25', 'gitea-1.25.json'],
  ['forgejo-v10', 'forgejo-v10.0.json'],
  ['forgejo-v11', 'forgejo-v11.0.json']
]

function sourceLine(file) {
  const row = readFileSync(join(SHARED, 'README.md'), 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`| ${file} |`))
  if (!row) throw new Error(`${file}: not in shared/specs/README.md`)
  const [, , forge, source] = row.split('|').map((c) => c.trim())
  return `${forge}: ${source.replace(/`/g, '')}, templates/swagger/v1_json.tmpl (shared/specs/${file})`
}

/** A description, sliced: operations by "METHOD /path", and the schemas they reach. */
function slice(doc, source) {
  const v3 = typeof doc.openapi === 'string'
  const schemas = {}
  const pending = []
  const refName = (ref) => ref.split('/').pop()
  const lookup = (ref) =>
    ref
      .slice(2)
      .split('/')
      .reduce((node, key) => node[key], doc)

  function compact(schema) {
    if (!schema || typeof schema !== 'object') return {}
    if (schema.$ref) {
      const name = refName(schema.$ref)
      if (!(name in schemas)) {
        schemas[name] = null
        pending.push([name, schema.$ref])
      }
      return { ref: name }
    }
    const out = {}
    if (typeof schema.type === 'string') out.t = schema.type
    if (schema.nullable === true || schema['x-nullable'] === true) out.n = true
    if (Array.isArray(schema.enum) && schema.type !== 'boolean') out.e = schema.enum
    if (schema.properties)
      out.p = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, compact(v)]))
    if (schema.items) out.i = compact(schema.items)
    if (schema.additionalProperties !== undefined && schema.additionalProperties !== false)
      out.ap = schema.additionalProperties === true ? true : compact(schema.additionalProperties)
    const any = schema.oneOf ?? schema.anyOf
    if (any) out.any = any.map(compact)
    if (schema.allOf) out.all = schema.allOf.map(compact)
    return out
  }

  const jsonSchema = (content) => {
    if (!content) return null
    const type =
      Object.keys(content).find((t) => t === 'application/json') ?? Object.keys(content).find((t) => /json/.test(t))
    return type && content[type].schema ? compact(content[type].schema) : null
  }

  function response(r) {
    if (r.$ref) r = lookup(r.$ref)
    if (v3) return jsonSchema(r.content)
    return r.schema ? compact(r.schema) : null
  }

  function parameters(list) {
    const out = { path: {}, query: {}, body: null }
    for (let p of list) {
      if (p.$ref) p = lookup(p.$ref)
      const schema = v3 ? (p.schema ?? {}) : p
      if (p.in === 'path') out.path[p.name] = schema.type ?? 'string'
      if (p.in === 'query') out.query[p.name] = compact(v3 ? schema : { type: p.type, enum: p.enum, items: p.items })
      if (p.in === 'body') out.body = compact(p.schema)
    }
    return out
  }

  const operations = {}
  for (const path of PATHS) {
    const item = doc.paths[path]
    if (!item) continue
    for (const method of METHODS) {
      const op = item[method]
      if (!op) continue
      const params = parameters([...(item.parameters ?? []), ...(op.parameters ?? [])])
      if (v3 && op.requestBody)
        params.body = jsonSchema((op.requestBody.$ref ? lookup(op.requestBody.$ref) : op.requestBody).content)
      const responses = Object.fromEntries(Object.entries(op.responses ?? {}).map(([s, r]) => [s, response(r)]))
      operations[`${method.toUpperCase()} ${path}`] = { ...params, responses }
    }
  }
  while (pending.length > 0) {
    const [name, ref] = pending.shift()
    schemas[name] = compact(lookup(ref))
  }
  return { source, operations, schemas }
}

function write(name, sliced) {
  const sorted = {
    ...sliced,
    schemas: Object.fromEntries(Object.entries(sliced.schemas).sort(([a], [b]) => a.localeCompare(b)))
  }
  writeFileSync(join(OUT, `${name}.json`), `${JSON.stringify(sorted)}\n`)
  console.log(
    `${name}: ${Object.keys(sliced.operations).length} operations, ${Object.keys(sliced.schemas).length} schemas`
  )
}

/** A Gitea release's own swagger, from a clone's tag (its two template fields filled in). */
const GITEA_RELEASES = [['gitea-1.26', 'v1.26.3']]
function giteaReleases() {
  const at = process.argv.indexOf('--gitea-release')
  if (at < 0) return
  const gitDir = process.argv[at + 1]
  for (const [name, tag] of GITEA_RELEASES) {
    const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', `${tag}^{commit}`], { encoding: 'utf8' })
    const text = execFileSync('git', ['--git-dir', gitDir, 'show', `${tag}:templates/swagger/v1_json.tmpl`], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    })
    const doc = JSON.parse(text.replaceAll('{{.SwaggerAppVer}}', tag.slice(1)).replaceAll('{{.SwaggerAppSubUrl}}', ''))
    const source = `Gitea ${tag.slice(1)}: go-gitea/gitea tag ${tag} (${commit.trim().slice(0, 10)}), templates/swagger/v1_json.tmpl`
    write(name, slice(doc, source))
  }
}

/** GitHub's descriptions: github.com's and GitHub Enterprise Server's, from one @octokit/openapi package. */
function githubDescriptions() {
  const at = process.argv.indexOf('--github')
  if (at >= 0) return { docs: { github: JSON.parse(readFileSync(process.argv[at + 1], 'utf8')) }, cleanup: () => {} }
  const dir = mkdtempSync(join(tmpdir(), 'octokit-openapi-'))
  const tarball = execFileSync(
    'npm',
    ['pack', `@octokit/openapi@${OCTOKIT_OPENAPI}`, '--silent', '--pack-destination', dir],
    {
      encoding: 'utf8'
    }
  ).trim()
  const files = { github: 'api.github.com.json', ghes: GHES_FILE }
  for (const file of Object.values(files))
    execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir, `package/generated/${file}`])
  const docs = Object.fromEntries(
    Object.entries(files).map(([name, file]) => [
      name,
      JSON.parse(readFileSync(join(dir, 'package', 'generated', file), 'utf8'))
    ])
  )
  return { docs, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

for (const [name, file] of GITEA)
  write(name, slice(JSON.parse(readFileSync(join(SHARED, file), 'utf8')), sourceLine(file)))
giteaReleases()
const github = githubDescriptions()
for (const [name, doc] of Object.entries(github.docs))
  write(
    name,
    slice(
      doc,
      `GitHub REST API ${doc.info.version}: @octokit/openapi ${OCTOKIT_OPENAPI}, generated/${name === 'ghes' ? GHES_FILE : 'api.github.com.json'}`
    )
  )
github.cleanup()
