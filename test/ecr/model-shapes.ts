/**
 * ECR's service model (botocore's service-2.json, read at run time from Debian's awscli, never
 * copied into the repository) and a checker of JSON values against its shapes: required members,
 * no unknown members, types (timestamps are epoch seconds in the JSON protocol), enums, length,
 * range and pattern limits. What that older model lacks (an operation such as ListImageReferrers,
 * a member such as imageTagMutabilityExclusionFilters, an enum value added since) is checked
 * against the AWS SDK v3's model instead (sdk-model.ts, which says what it cannot check).
 */
import { readFileSync } from 'node:fs'
import { ECR_MODEL } from './ecr-fixture.ts'
import { checkAgainstSdk, sdkEnum, sdkOperation, sdkStructure } from './sdk-model.ts'

export interface ModelShape {
  readonly type: string
  readonly members?: Readonly<Record<string, { readonly shape: string }>>
  readonly required?: readonly string[]
  readonly member?: { readonly shape: string }
  readonly key?: { readonly shape: string }
  readonly value?: { readonly shape: string }
  readonly enum?: readonly string[]
  readonly min?: number
  readonly max?: number
  readonly pattern?: string
}

export interface ServiceModel {
  readonly metadata: Readonly<Record<string, string>>
  readonly operations: Readonly<Record<string, { readonly input?: { shape: string }; readonly output?: { shape: string }; readonly errors?: ReadonlyArray<{ shape: string }> }>>
  readonly shapes: Readonly<Record<string, ModelShape>>
}

export function loadEcrModel(): ServiceModel {
  return JSON.parse(readFileSync(ECR_MODEL, 'utf8')) as ServiceModel
}

/** Input and output shape names of operation `name`: Debian's model, else the SDK's. */
export function operationShapes(model: ServiceModel, name: string): { readonly input: string; readonly output: string } | undefined {
  const op = model.operations[name]
  if (op?.input && op.output) return { input: op.input.shape, output: op.output.shape }
  return op ? undefined : sdkOperation(name)
}

/** Problems of `value` against model shape `name` (empty when it conforms). */
export function checkAgainstModel(model: ServiceModel, name: string, value: unknown, path = '$'): string[] {
  const s = model.shapes[name]
  if (!s) {
    const newer = sdkStructure(name)
    return newer ? checkAgainstSdk(newer, value, path) : [`${path}: model has no shape ${name}`]
  }
  const bad = (what: string): string[] => [`${path}: ${what} (shape ${name}, value ${JSON.stringify(value)?.slice(0, 80)})`]
  const length = (n: number): string[] =>
    (s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max) ? bad(`length ${n} outside ${s.min ?? 0}..${s.max ?? '∞'}`) : []
  switch (s.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not an object')
      const o = value as Record<string, unknown>
      const out: string[] = []
      for (const r of s.required ?? []) if (o[r] === undefined) out.push(`${path}.${r}: required member missing`)
      for (const [k, v] of Object.entries(o)) {
        const m = s.members?.[k]
        const newer = m ? undefined : sdkStructure(name)
        if (m) out.push(...checkAgainstModel(model, m.shape, v, `${path}.${k}`))
        else if (newer && Object.hasOwn(newer.members, k)) out.push(...checkAgainstSdk(newer.members[k], v, `${path}.${k}`))
        else out.push(`${path}.${k}: not a member of ${name} (Debian's model nor the SDK's)`)
      }
      return out
    }
    case 'list':
      if (!Array.isArray(value)) return bad('not a list')
      return [...length(value.length), ...value.flatMap((v, i) => checkAgainstModel(model, s.member?.shape ?? '', v, `${path}[${i}]`))]
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not a map')
      return Object.entries(value).flatMap(([k, v]) => [
        ...checkAgainstModel(model, s.key?.shape ?? '', k, `${path}{key}`), ...checkAgainstModel(model, s.value?.shape ?? '', v, `${path}.${k}`),
      ])
    case 'string':
      if (typeof value !== 'string') return bad('not a string')
      if (s.enum && !s.enum.includes(value) && !sdkEnum(name)?.includes(value)) return bad(`not one of ${(sdkEnum(name) ?? s.enum).join(', ')}`)
      if (s.pattern !== undefined && !new RegExp(`^(?:${s.pattern})$`, 'u').test(value)) return bad(`does not match ${s.pattern}`)
      return length([...value].length)
    case 'integer':
    case 'long':
      if (!Number.isSafeInteger(value)) return bad('not an integer')
      return (s.min !== undefined && (value as number) < s.min) || (s.max !== undefined && (value as number) > s.max) ? bad('out of range') : []
    case 'boolean':
      return typeof value === 'boolean' ? [] : bad('not a boolean')
    case 'timestamp':
      return typeof value === 'number' && Number.isFinite(value) ? [] : bad('not epoch seconds')
    case 'blob':
      return typeof value === 'string' ? [] : bad('not base64')
    default:
      return bad(`unhandled model type ${s.type}`)
  }
}
