import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { FastifySchemaCompiler } from 'fastify'
import type { TSchema } from 'typebox'
import { invalidData, tooManyItems, type ApiError } from './errors.js'
import { compileQueryParser } from './query-parser.js'

// How every request part is checked. Bodies: strict JSON Schema (no type coercion: a JSON API
// client that sends "5" for an integer has a bug worth seeing). Path params: coerced, since they
// arrive as text. Query strings: BigCommerce's list syntax, in query-parser.ts.

const bodyAjv = addFormats.default(new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false }), ['email', 'date-time', 'uuid', 'date'])
const paramsAjv = addFormats.default(new Ajv({ allErrors: false, strict: false, coerceTypes: true }), ['uuid'])

export const validatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  if (httpPart === 'querystring') return compileQueryParser(schema)
  const validate = (httpPart === 'body' ? bodyAjv : paramsAjv).compile(schema)
  return (data: unknown) => (validate(data) ? { value: data } : { error: validationError(validate) })
}

const compiled = new WeakMap<TSchema, ValidateFunction>()

/**
 * Checks a value that did not arrive over HTTP (a CLI argument) as a request body is checked:
 * undefined when it fits, else the same `{ path: message }` a 422 carries.
 */
export function bodyProblems(schema: TSchema, value: unknown): Record<string, string> | undefined {
  let validate = compiled.get(schema)
  if (!validate) compiled.set(schema, (validate = bodyAjv.compile(schema)))
  return validate(value) ? undefined : describeErrors(validate.errors ?? [])
}

/** The largest array a batch endpoint takes; more is a 413, as BigCommerce answers. */
function rootMaxItems(errors: ErrorObject[]): number | undefined {
  const error = errors.find((e) => e.keyword === 'maxItems' && e.instancePath === '')
  return error ? Number((error.params as { limit: number }).limit) : undefined
}

function validationError(validate: ValidateFunction): ApiError {
  const errors = validate.errors ?? []
  const max = rootMaxItems(errors)
  if (max !== undefined) return tooManyItems(max)
  return invalidData(describeErrors(errors))
}

/**
 * Ajv errors -> `{ "0.email": "must be a valid email address" }`: keys are paths with the array
 * index first (DECISIONS 2), one plain-words message per path.
 */
export function describeErrors(errors: ErrorObject[]): Record<string, string> {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath))
  const result: Record<string, string> = {}
  for (const error of errors) {
    let path = error.instancePath
    if (error.keyword === 'required') path += `/${(error.params as { missingProperty: string }).missingProperty}`
    if (error.keyword === 'additionalProperties') path += `/${(error.params as { additionalProperty: string }).additionalProperty}`
    const key = toKey(path)
    if (key in result) continue
    if (anyOfPaths.has(error.instancePath) && error.keyword !== 'required') {
      result[key] = describeAnyOf(errors, error.instancePath)
      continue
    }
    result[key] = describe(error)
  }
  return result
}

function toKey(instancePath: string): string {
  if (instancePath === '') return 'body'
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.')
}

const ARTICLE: Record<string, string> = {
  array: 'an array',
  object: 'an object',
  integer: 'an integer',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
}

function describeAnyOf(errors: ErrorObject[], path: string): string {
  const types = errors
    .filter((e) => e.instancePath === path && e.keyword === 'type')
    .map((e) => ARTICLE[String((e.params as { type: string }).type)] ?? String((e.params as { type: string }).type))
  // The value had a branch's type but broke one of its rules (`channel_ids: []`): say which rule.
  const broken = errors.find((e) => e.instancePath === path && e.keyword !== 'type' && e.keyword !== 'anyOf')
  if (broken) return describe(broken)
  const nested = errors.find((e) => e.instancePath.startsWith(`${path}/`))
  if (nested) return `${toKey(nested.instancePath).slice(toKey(path).length + 1)}: ${describe(nested)}`
  return types.length > 0 ? `must be ${types.join(' or ')}` : 'has an invalid value'
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required':
      return 'is required'
    case 'type':
      return `must be ${ARTICLE[String(p.type)] ?? String(p.type)}`
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters long`
    case 'minimum':
      return `must be at least ${String(p.limit)}`
    case 'maximum':
      return `must be at most ${String(p.limit)}`
    case 'minItems':
      return `must contain at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}`
    case 'maxItems':
      return `must contain at most ${String(p.limit)} items`
    case 'uniqueItems':
      return 'must not contain the same value twice'
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).join(', ')}`
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`
    case 'format':
      return p.format === 'email' ? 'must be a valid email address' : `must be a valid ${String(p.format)}`
    case 'pattern':
      return 'has an invalid format'
    case 'additionalProperties':
      return 'is not a field of this object'
    default:
      return error.message ?? 'is invalid'
  }
}
