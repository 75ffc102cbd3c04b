/**
 * ECR's newer service model as the AWS SDK for JavaScript v3 carries it (@aws-sdk/client-ecr in
 * node_modules, read at run time, never copied into the repository): the fallback of
 * model-shapes.ts and shape-compare.ts for operations and members that Debian's older botocore
 * model lacks (ListImageReferrers, imageTagMutabilityExclusionFilters, …).
 *
 * The SDK ships Smithy "static schemas" (dist-es/schemas/schemas_0.js; the package exports the
 * same arrays as `<ShapeName>$`), decoded by @smithy/core/schema's NormalizedSchema:
 *  - structure `[3, namespace, name, traits, memberNames, memberSchemas, requiredCount?]`: the
 *    FIRST `requiredCount` members are the required ones (the generator orders them first, see
 *    @smithy/core protocols/HttpBindingNormalizedSchema.js); errors are `[-3, …]`, unions `[4, …]`;
 *  - list `[1, ns, name, traits, member]`, map `[2, ns, name, traits, key, value]`, operation
 *    `[9, ns, name, traits, input, output]`, a simple type with traits `[0, ns, name, traits, simple]`;
 *  - a simple type is a number: 0 string, 1 number, 2 boolean, 4..7 timestamp, 15 document,
 *    17/19 big number, 21/42 blob; `64 | t` is a list of `t`, `128 | t` a map of string to `t`;
 *  - any schema may be a thunk `() => schema`; a member may be wrapped as `[schema, memberTraits]`.
 *
 * NOT in the SDK's schemas, hence never checked by this fallback: enum values (an enum member is
 * a plain string, 0), length and range limits, patterns, integer vs long vs float (all 1), map
 * key constraints. Where Debian's model has the member, those are checked against it instead.
 * One exception: the SDK also exports each enum as an object named like the model's shape
 * (`ImageTagMutability = {IMMUTABLE: 'IMMUTABLE', …}`), so a Debian enum shape that has gained
 * values since (sdkEnum) is checked against the SDK's values; an enum member Debian lacks
 * altogether is reached through a nameless schema (0) and its values are not checked.
 */
import * as ecrSdk from '@aws-sdk/client-ecr'

export type SdkShape =
  | { readonly kind: 'structure'; readonly name: string; readonly members: Readonly<Record<string, unknown>>; readonly required: readonly string[] }
  | { readonly kind: 'list'; readonly member: unknown }
  | { readonly kind: 'map'; readonly value: unknown }
  | { readonly kind: 'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'document' }

const exported = ecrSdk as unknown as Readonly<Record<string, unknown>>

function simple(code: number): SdkShape {
  if (code >= 128) return { kind: 'map', value: code & 0b0011_1111 }
  if (code >= 64) return { kind: 'list', member: code & 0b0011_1111 }
  switch (code) {
    case 0: return { kind: 'string' }
    case 1: case 17: case 19: return { kind: 'number' }
    case 2: return { kind: 'boolean' }
    case 4: case 5: case 6: case 7: return { kind: 'timestamp' }
    case 15: return { kind: 'document' }
    case 21: case 42: return { kind: 'blob' }
    default: throw new Error(`unknown simple schema ${code} in @aws-sdk/client-ecr`)
  }
}

/** The shape a schema reference (number, thunk, member wrapper or static array) stands for. */
export function decodeSdkSchema(ref: unknown): SdkShape {
  if (typeof ref === 'object' && ref !== null && !Array.isArray(ref) && 'kind' in ref) return ref as SdkShape // already decoded
  let sc = ref
  for (;;) {
    if (typeof sc === 'function') sc = (sc as () => unknown)()
    else if (Array.isArray(sc) && sc.length === 2) sc = sc[0] // [schema, memberTraits]
    else break
  }
  if (typeof sc === 'number') return simple(sc)
  if (!Array.isArray(sc) || sc.length < 5) throw new Error(`unexpected schema ${JSON.stringify(sc)} in @aws-sdk/client-ecr`)
  switch (sc[0]) {
    case 0: return decodeSdkSchema(sc[4])
    case 1: return { kind: 'list', member: sc[4] }
    case 2: return { kind: 'map', value: sc[5] }
    case 3: case -3: case 4: {
      const names = sc[4] as readonly string[]
      const schemas = sc[5] as readonly unknown[]
      const requiredCount = typeof sc[6] === 'number' ? sc[6] : 0
      return { kind: 'structure', name: String(sc[2]), members: Object.fromEntries(names.map((n, i) => [n, schemas[i]])), required: names.slice(0, requiredCount) }
    }
    default: throw new Error(`unexpected schema kind ${String(sc[0])} in @aws-sdk/client-ecr`)
  }
}

/** The SDK's structure `name` (as botocore names it: the same Smithy model), if it has one. */
export function sdkStructure(name: string): Extract<SdkShape, { kind: 'structure' }> | undefined {
  const sc = exported[`${name}$`]
  if (!Array.isArray(sc) || ![3, -3, 4].includes(sc[0] as number)) return undefined
  const s = decodeSdkSchema(sc)
  return s.kind === 'structure' ? s : undefined
}

/** The values of the SDK's enum shape `name` (the exported object of that name), if it has one. */
export function sdkEnum(name: string): readonly string[] | undefined {
  const e = exported[name]
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined
  const values = Object.values(e)
  return values.length > 0 && values.every((v) => typeof v === 'string') ? values : undefined
}

/** Input and output structure names of operation `name` in the SDK, if it has it. */
export function sdkOperation(name: string): { readonly input: string; readonly output: string } | undefined {
  const sc = exported[`${name}$`]
  if (!Array.isArray(sc) || sc[0] !== 9) return undefined
  const input = decodeSdkSchema(sc[4])
  const output = decodeSdkSchema(sc[5])
  return input.kind === 'structure' && output.kind === 'structure' ? { input: input.name, output: output.name } : undefined
}

/**
 * Problems of JSON `value` against the SDK schema `ref` (or decoded shape; empty when it conforms): required
 * members, no unknown members, types as the JSON 1.1 protocol writes them (timestamps epoch
 * seconds, blobs base64 strings). Enums and limits are not known here (see the file comment).
 */
export function checkAgainstSdk(ref: unknown, value: unknown, path = '$'): string[] {
  const s = decodeSdkSchema(ref)
  const bad = (what: string): string[] => [`${path}: ${what} (SDK ${s.kind === 'structure' ? s.name : s.kind}, value ${JSON.stringify(value)?.slice(0, 80)})`]
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value)
  switch (s.kind) {
    case 'structure': {
      if (!isObject) return bad('not an object')
      const o = value as Record<string, unknown>
      const out = s.required.filter((r) => o[r] === undefined).map((r) => `${path}.${r}: required member missing (SDK ${s.name})`)
      for (const [k, v] of Object.entries(o)) {
        if (!Object.hasOwn(s.members, k)) out.push(`${path}.${k}: not a member of ${s.name} (SDK)`)
        else out.push(...checkAgainstSdk(s.members[k], v, `${path}.${k}`))
      }
      return out
    }
    case 'list':
      return Array.isArray(value) ? value.flatMap((v, i) => checkAgainstSdk(s.member, v, `${path}[${i}]`)) : bad('not a list')
    case 'map':
      return isObject ? Object.entries(value as object).flatMap(([k, v]) => checkAgainstSdk(s.value, v, `${path}.${k}`)) : bad('not a map')
    case 'string':
    case 'blob':
      return typeof value === 'string' ? [] : bad('not a string')
    case 'number':
    case 'timestamp':
      return typeof value === 'number' && Number.isFinite(value) ? [] : bad('not a number')
    case 'boolean':
      return typeof value === 'boolean' ? [] : bad('not a boolean')
    case 'document':
      return []
  }
}
