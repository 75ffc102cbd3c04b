/**
 * A trimmed description of an operation's input shape, written per operation from ECR's service
 * model (botocore `ecr/2015-09-21/service-2.json`), and the validator that checks a request body
 * against it: required members, types, enums, length and pattern limits, list sizes, as the AWS
 * JSON 1.1 services do. test/ecr/shapes.test.ts compares every description with the model read
 * at run time, so a hand-written limit cannot drift from AWS's.
 *
 * Unknown members are refused rather than ignored: a setting this version cannot apply must not
 * be silently dropped (a newer CLI sending, say, an exclusion list would otherwise believe it set).
 */
import { EcrError } from './ecr-error.ts'

export type Shape =
  | { readonly type: 'string'; readonly min?: number; readonly max?: number; readonly pattern?: string; readonly enum?: readonly string[] }
  | { readonly type: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly type: 'long'; readonly min?: number; readonly max?: number }
  /** Bytes, base64 in JSON; min/max count the decoded bytes. */
  | { readonly type: 'blob'; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'list'; readonly member: Shape; readonly min?: number; readonly max?: number }
  | StructureShape

export interface StructureShape {
  readonly type: 'structure'
  readonly members: Readonly<Record<string, Shape>>
  readonly required?: readonly string[]
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v.slice(0, 256)}'` : JSON.stringify(v)?.slice(0, 256) ?? 'null')

function violation(path: string, value: unknown, constraint: string): EcrError {
  return new EcrError('InvalidParameterException', `1 validation error detected: Value ${show(value)} at '${path}' failed to satisfy constraint: ${constraint}`)
}

/** Standard base64 with padding, as the AWS JSON protocol sends blobs (one linear regex pass). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

const patterns = new Map<string, RegExp>()
function fullMatch(pattern: string, value: string): boolean {
  let re = patterns.get(pattern)
  if (re === undefined) {
    // The model's patterns are whole-value patterns (Java's matches()), written unanchored.
    re = new RegExp(`^(?:${pattern})$`, 'u')
    patterns.set(pattern, re)
  }
  return re.test(value)
}

function checkLength(path: string, value: unknown, length: number, s: { readonly min?: number; readonly max?: number }): void {
  if (s.min !== undefined && length < s.min) throw violation(path, value, `Member must have length greater than or equal to ${s.min}`)
  if (s.max !== undefined && length > s.max) throw violation(path, value, `Member must have length less than or equal to ${s.max}`)
}

function checkValue(shape: Shape, value: unknown, path: string): void {
  switch (shape.type) {
    case 'string':
      if (typeof value !== 'string') throw violation(path, value, 'Member must be a string')
      checkLength(path, value, [...value].length, shape)
      if (shape.enum && !shape.enum.includes(value)) throw violation(path, value, `Member must satisfy enum value set: [${shape.enum.join(', ')}]`)
      if (shape.pattern !== undefined && !fullMatch(shape.pattern, value)) throw violation(path, value, `Member must satisfy regular expression pattern: ${shape.pattern}`)
      return
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw violation(path, value, 'Member must be an integer')
      if (shape.min !== undefined && value < shape.min) throw violation(path, value, `Member must have value greater than or equal to ${shape.min}`)
      if (shape.max !== undefined && value > shape.max) throw violation(path, value, `Member must have value less than or equal to ${shape.max}`)
      return
    case 'blob': {
      if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) throw violation(path, typeof value === 'string' ? '(not base64)' : value, 'Member must be base64-encoded bytes')
      const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0
      checkLength(path, `(${value.length} base64 characters)`, (value.length / 4) * 3 - padding, shape)
      return
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw violation(path, value, 'Member must be a boolean')
      return
    case 'list':
      if (!Array.isArray(value)) throw violation(path, value, 'Member must be a list')
      checkLength(path, value, value.length, shape)
      value.forEach((v, i) => checkValue(shape.member, v, `${path}.${i + 1}.member`))
      return
    case 'structure':
      checkStructure(shape, value, path)
  }
}

function checkStructure(shape: StructureShape, value: unknown, path: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw violation(path, value, 'Member must be an object')
  const o = value as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!Object.hasOwn(shape.members, key)) throw new EcrError('InvalidParameterException', `Unknown parameter '${key.slice(0, 64)}'${path ? ` in '${path}'` : ''}`)
  }
  for (const name of shape.required ?? []) {
    if (o[name] === undefined || o[name] === null) throw violation(path ? `${path}.${name}` : name, null, 'Member must not be null')
  }
  for (const [name, member] of Object.entries(shape.members)) {
    // JSON null means "absent" in the AWS JSON protocol.
    if (o[name] !== undefined && o[name] !== null) checkValue(member, o[name], path ? `${path}.${name}` : name)
  }
}

/** Throws InvalidParameterException (EcrError) unless `body` satisfies `shape`. */
export function validateInput(shape: StructureShape, body: unknown): Record<string, unknown> {
  checkStructure(shape, body, '')
  return body as Record<string, unknown>
}
