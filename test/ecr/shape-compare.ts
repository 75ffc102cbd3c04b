/**
 * Compares a hand-written input shape (src/registry/ecr/shape.ts) with ECR's service model:
 * Debian's botocore model first (members, required list, types, enums, length, range and
 * pattern limits), and, for what that older model lacks (a whole operation, or members added
 * since, such as imageTagMutabilityExclusionFilters), the AWS SDK v3's model (sdk-model.ts:
 * member names, required members and types, and an enum's values where the SDK exports the enum
 * under the model's shape name; its schemas carry no limits or patterns).
 */
import type { Shape } from '../../src/registry/ecr/shape.ts'
import type { ServiceModel } from './model-shapes.ts'
import { decodeSdkSchema, sdkEnum, sdkStructure, type SdkShape } from './sdk-model.ts'

const sdkKind = (t: Shape['type']): SdkShape['kind'] => (t === 'integer' || t === 'long' ? 'number' : t)
const sorted = (a: readonly string[]): string[] => [...a].sort()

/** Differences between `mine` and the SDK's shape (empty when they agree on what the SDK knows). */
export function compareWithSdk(mine: Shape, sdk: SdkShape, path: string): string[] {
  if (sdkKind(mine.type) !== sdk.kind) return [`${path}: type ${mine.type}, SDK ${sdk.kind}`]
  if (mine.type === 'list' && sdk.kind === 'list') return compareWithSdk(mine.member, decodeSdkSchema(sdk.member), `${path}[]`)
  if (mine.type !== 'structure' || sdk.kind !== 'structure') return []
  const out: string[] = []
  const same = (what: string, a: string[], b: string[]) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${what} ${JSON.stringify(a)}, SDK ${JSON.stringify(b)}`)
  }
  same('required', sorted(mine.required ?? []), sorted(sdk.required))
  same('members', sorted(Object.keys(mine.members)), sorted(Object.keys(sdk.members)))
  for (const [k, v] of Object.entries(mine.members)) {
    if (Object.hasOwn(sdk.members, k)) out.push(...compareWithSdk(v, decodeSdkSchema(sdk.members[k]), `${path}.${k}`))
  }
  return out
}

/** Members of `mine` that Debian's structure `shapeName` lacks, checked against the SDK's. */
function compareNewerMembers(mine: Extract<Shape, { type: 'structure' }>, newer: readonly string[], shapeName: string, path: string): string[] {
  const sdk = sdkStructure(shapeName)
  if (!sdk) return newer.map((k) => `${path}.${k}: in neither Debian's model nor the SDK's (${shapeName})`)
  const out: string[] = []
  for (const k of newer) {
    const ref = sdk.members[k]
    if (!Object.hasOwn(sdk.members, k)) {
      out.push(`${path}.${k}: not a member of ${shapeName} in Debian's model nor the SDK's`)
      continue
    }
    const required = (mine.required ?? []).includes(k)
    if (required !== sdk.required.includes(k)) out.push(`${path}.${k}: required ${required}, SDK ${!required}`)
    out.push(...compareWithSdk(mine.members[k] as Shape, decodeSdkSchema(ref), `${path}.${k}`))
  }
  return out
}

/** Differences between `mine` and model shape `shapeName` (empty when they agree). */
export function compareInputShape(model: ServiceModel, mine: Shape, shapeName: string, path: string): string[] {
  const m = model.shapes[shapeName]
  if (!m) {
    const sdk = sdkStructure(shapeName)
    return sdk ? compareWithSdk(mine, sdk, path) : [`${path}: no model shape ${shapeName} (Debian's or the SDK's)`]
  }
  if (m.type !== mine.type) return [`${path}: type ${mine.type}, model ${m.type}`]
  const out: string[] = []
  const same = (what: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${what} ${JSON.stringify(a)}, model ${JSON.stringify(b)}`)
  }
  switch (mine.type) {
    case 'structure': {
      const newer = Object.keys(mine.members).filter((k) => !m.members?.[k])
      same('required', sorted((mine.required ?? []).filter((k) => !newer.includes(k))), sorted(m.required ?? []))
      same('members', sorted(Object.keys(mine.members).filter((k) => !newer.includes(k))), sorted(Object.keys(m.members ?? {})))
      for (const [k, v] of Object.entries(mine.members)) {
        const ms = m.members?.[k]
        if (ms) out.push(...compareInputShape(model, v, ms.shape, `${path}.${k}`))
      }
      if (newer.length > 0) out.push(...compareNewerMembers(mine, newer, shapeName, path))
      break
    }
    case 'list':
      same('min', mine.min, m.min)
      same('max', mine.max, m.max)
      out.push(...compareInputShape(model, mine.member, m.member?.shape ?? '', `${path}[]`))
      break
    case 'string':
      same('min', mine.min, m.min)
      same('max', mine.max, m.max)
      same('pattern', mine.pattern, m.pattern)
      // An enum that has gained values since Debian's model (ImageTagMutability's *_WITH_EXCLUSION)
      // must then carry exactly the SDK's values.
      if (JSON.stringify(mine.enum) !== JSON.stringify(m.enum)) {
        const newer = sdkEnum(shapeName)
        if (!newer || !mine.enum || JSON.stringify(sorted(mine.enum)) !== JSON.stringify(sorted(newer))) {
          out.push(`${path}: enum ${JSON.stringify(mine.enum)}, model ${JSON.stringify(m.enum)}, SDK ${JSON.stringify(newer)}`)
        }
      }
      break
    case 'integer':
    case 'long':
    case 'blob':
      same('min', mine.min, m.min)
      same('max', mine.max, m.max)
      break
    case 'boolean':
      break
  }
  return out
}
