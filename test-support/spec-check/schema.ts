/**
 * The compact schema form of test-support/specs/*.json (made by scripts/slice-specs.mjs from
 * the forges' own descriptions), and a validator for it: types, nullability, and no field that
 * the description does not have.
 */
export interface Schema {
  /** JSON type: string, integer, number, boolean, array, object. */
  t?: string
  /** nullable (OpenAPI) or x-nullable (swagger). */
  n?: true
  /** enum values. */
  e?: unknown[]
  /** properties. */
  p?: Record<string, Schema>
  /** items. */
  i?: Schema
  /** additionalProperties: any (true) or of this schema. */
  ap?: Schema | true
  /** oneOf / anyOf. */
  any?: Schema[]
  /** allOf. */
  all?: Schema[]
  /** A named schema of the description. */
  ref?: string
}

export interface ValidateOptions {
  schemas: Record<string, Schema>
  /**
   * Gitea and Forgejo are Go: a nil pointer or slice marshals as null whether or not the swagger
   * says x-nullable (shared/specs/README.md, known quirks), so null passes for objects and arrays.
   */
  goNulls: boolean
  /** Go pointer fields (`*string`) by schema name: null there is the forge's own answer. */
  pointers?: Record<string, string[]>
}

/** Every way `value` differs from `schema`, as "at <path>: ..." lines; empty when it fits. */
export function validate(value: unknown, schema: Schema, options: ValidateOptions, at = '$'): string[] {
  const s = resolve(schema, options.schemas)
  const name = refOf(schema, options.schemas)
  if (s.any) {
    const tries = s.any.map((alt) => validate(value, alt, options, at))
    return tries.some((errors) => errors.length === 0) ? [] : tries.reduce((a, b) => (a.length <= b.length ? a : b))
  }
  if (value === null) {
    if (s.n || s.t === undefined) return []
    if (options.goNulls && (s.t === 'object' || s.t === 'array' || s.all || s.p)) return []
    return [`at ${at}: null where the description says ${s.t}`]
  }
  const type = typeOf(value)
  const wanted = s.t ?? (s.p || s.all ? 'object' : undefined)
  if (wanted && !fits(type, wanted, value)) return [`at ${at}: ${type} where the description says ${wanted}`]
  if (s.e && !s.e.includes(value) && type === 'string')
    return [`at ${at}: "${String(value)}" is none of ${s.e.join(', ')}`]
  if (type === 'array' && s.i)
    return (value as unknown[]).flatMap((item, n) => validate(item, s.i!, options, `${at}[${n}]`))
  if (type === 'object') return validateObject(value as Record<string, unknown>, s, options, at, name)
  return []
}

function validateObject(
  value: Record<string, unknown>,
  s: Schema,
  options: ValidateOptions,
  at: string,
  name: string | undefined
): string[] {
  const pointers = (name && options.pointers?.[name]) || []
  const props = properties(s, options.schemas)
  if (props === null) return [] // an object the description leaves open
  const errors: string[] = []
  for (const [key, field] of Object.entries(value)) {
    const declared = props.fields[key]
    if (declared && field === null && pointers.includes(key)) continue
    if (declared) errors.push(...validate(field, declared, options, `${at}.${key}`))
    else if (props.extra === true) continue
    else if (props.extra) errors.push(...validate(field, props.extra, options, `${at}.${key}`))
    else errors.push(`at ${at}: field "${key}" is not in the description`)
  }
  return errors
}

/** A schema's declared fields (allOf merged); null when any field is allowed. */
export function properties(
  schema: Schema,
  schemas: Record<string, Schema>
): { fields: Record<string, Schema>; extra?: Schema | true } | null {
  const s = resolve(schema, schemas)
  if (s.all) {
    const parts = s.all.map((part) => properties(part, schemas))
    if (parts.some((p) => p === null)) return null
    return { fields: Object.assign({}, ...parts.map((p) => p!.fields)), extra: parts.find((p) => p!.extra)?.extra }
  }
  if (!s.p) return s.ap ? { fields: {}, extra: s.ap } : null
  return { fields: s.p, extra: s.ap }
}

/** The schema at a dotted path (`commit.author.email`, `[].sha` for items); null where undeclared. */
export function fieldSchema(schema: Schema, path: string, schemas: Record<string, Schema>): Schema | null {
  let current: Schema | null = schema
  for (const part of path.split('.')) {
    if (current === null) return null
    const s: Schema = resolve(current, schemas)
    if (part === '[]') {
      current = s.i ?? null
      continue
    }
    const alternatives = s.any ?? [s]
    current = null
    for (const alt of alternatives) {
      const fields = properties(alt, schemas)?.fields
      if (fields?.[part]) {
        current = fields[part]
        break
      }
    }
  }
  return current
}

/** The name of the schema a reference chain ends at. */
function refOf(schema: Schema, schemas: Record<string, Schema>): string | undefined {
  let s = schema
  let name: string | undefined
  for (let hops = 0; s.ref && hops < 20; hops++) {
    name = s.ref
    s = schemas[s.ref] ?? {}
  }
  return name
}

export function resolve(schema: Schema, schemas: Record<string, Schema>): Schema {
  let s = schema
  for (let hops = 0; s.ref && hops < 20; hops++) s = schemas[s.ref] ?? {}
  return s
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value
}

function fits(type: string, wanted: string, value: unknown): boolean {
  if (type === wanted) return true
  if (wanted === 'number' && type === 'integer') return true
  return wanted === 'integer' && type === 'number' && Number.isInteger(value)
}
