// The SDK fallback of the ECR shape checks (sdk-model.ts, shape-compare.ts, model-shapes.ts) on
// its own, without a server: its decoding of the SDK's schemas agrees with the SDK's own typings,
// and a deliberately wrong hand-written shape or response is caught for an operation, a member
// and an enum value that Debian's older botocore model does not have.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { describe, test } from 'node:test'
import type { Shape, StructureShape } from '../../src/registry/ecr/shape.ts'
import { checkAgainstModel, loadEcrModel, operationShapes } from './model-shapes.ts'
import { decodeSdkSchema, sdkStructure } from './sdk-model.ts'
import { compareInputShape } from './shape-compare.ts'

const model = loadEcrModel()

/** `interface NAME { a: …; b?: … }` of the SDK's typings: member name → optional. */
function typedMembers(name: string): Map<string, boolean> | undefined {
  const dts = join(dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-ecr')), '..', 'dist-types', 'models', 'models_0.d.ts')
  const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(readFileSync(dts, 'utf8'))?.[1]
  if (body === undefined) return undefined
  return new Map([...body.matchAll(/^ {4}(\w+)(\?)?: /gm)].map((m) => [m[1] ?? '', m[2] === '?']))
}

const str: Shape = { type: 'string' }
const FILTER: StructureShape = { type: 'structure', members: { filterType: { type: 'string', enum: ['WILDCARD'] }, filter: str }, required: ['filterType', 'filter'] }
const LIST_IMAGE_REFERRERS: StructureShape = {
  type: 'structure',
  required: ['repositoryName', 'subjectId'],
  members: {
    repositoryName: str, registryId: str, nextToken: str, maxResults: { type: 'integer' },
    subjectId: { type: 'structure', members: { imageDigest: str }, required: ['imageDigest'] },
    filter: { type: 'structure', members: { artifactTypes: { type: 'list', member: str }, artifactStatus: str } },
  },
}
const withMember = (s: StructureShape, name: string, shape: Shape, required = s.required): StructureShape =>
  ({ ...s, members: { ...s.members, [name]: shape }, ...(required ? { required } : {}) })

describe('the SDK fallback of the ECR shape checks', () => {
  test('required members decoded from the schemas are exactly the non-optional members of the SDK\'s typings', () => {
    let checked = 0
    for (const name of Object.keys(model.shapes).filter((n) => n.endsWith('Request')).concat('ListImageReferrersRequest')) {
      const sdk = sdkStructure(name)
      const typed = typedMembers(name)
      if (!sdk || !typed) continue
      assert.deepEqual(Object.keys(sdk.members).sort(), [...typed.keys()].sort(), name)
      assert.deepEqual([...sdk.required].sort(), [...typed].filter(([, optional]) => !optional).map(([n]) => n).sort(), name)
      checked++
    }
    assert.ok(checked > 40, `${checked} request structures compared`)
  })

  test('member types are decoded: structure, list, map, string, number, boolean, timestamp', () => {
    const kinds = (name: string) => Object.fromEntries(Object.entries(sdkStructure(name)?.members ?? {}).map(([k, v]) => [k, decodeSdkSchema(v).kind]))
    assert.deepEqual(kinds('ImageReferrer'), { digest: 'string', mediaType: 'string', size: 'number', artifactType: 'string', annotations: 'map', artifactStatus: 'string' })
    assert.equal(kinds('Repository')['createdAt'], 'timestamp')
    assert.equal(kinds('Repository')['imageTagMutabilityExclusionFilters'], 'list')
    assert.equal(kinds('ImageScanningConfiguration')['scanOnPush'], 'boolean')
    assert.equal(kinds('ListImageReferrersRequest')['subjectId'], 'structure')
  })

  test('an operation Debian\'s model lacks is compared with the SDK\'s, and a wrong shape fails', () => {
    assert.equal(model.operations['ListImageReferrers'], undefined, 'Debian\'s model predates ListImageReferrers')
    const input = operationShapes(model, 'ListImageReferrers')?.input
    assert.equal(input, 'ListImageReferrersRequest')
    assert.deepEqual(compareInputShape(model, LIST_IMAGE_REFERRERS, input, 'ListImageReferrers'), [])

    const wrong = (s: StructureShape) => compareInputShape(model, s, input, 'ListImageReferrers')
    assert.match(wrong({ ...LIST_IMAGE_REFERRERS, required: ['repositoryName'] }).join('\n'), /ListImageReferrers: required \["repositoryName"\], SDK \["repositoryName","subjectId"\]/)
    assert.match(wrong(withMember(LIST_IMAGE_REFERRERS, 'maxResults', str)).join('\n'), /ListImageReferrers\.maxResults: type string, SDK number/)
    assert.match(wrong(withMember(LIST_IMAGE_REFERRERS, 'bogus', str)).join('\n'), /members .*"bogus"/)
    const { nextToken: _dropped, ...fewer } = LIST_IMAGE_REFERRERS.members
    assert.match(wrong({ ...LIST_IMAGE_REFERRERS, members: fewer }).join('\n'), /members /)
    const nested = withMember(LIST_IMAGE_REFERRERS, 'filter', { type: 'structure', members: { artifactTypes: str, artifactStatus: str } })
    assert.match(wrong(nested).join('\n'), /filter\.artifactTypes: type string, SDK list/)
  })

  test('a member Debian\'s model lacks is compared with the SDK\'s, and a wrong one fails', () => {
    const debian = model.shapes['CreateRepositoryRequest']
    assert.ok(debian?.members && !debian.members['imageTagMutabilityExclusionFilters'], 'Debian\'s model predates the exclusion filters')
    const base: StructureShape = {
      type: 'structure',
      required: ['repositoryName'],
      members: Object.fromEntries(Object.keys(debian.members).map((k) => [k, { type: 'string' } as Shape])),
    }
    const check = (s: StructureShape) =>
      compareInputShape(model, s, 'CreateRepositoryRequest', 'CreateRepository').filter((p) => p.includes('imageTagMutabilityExclusionFilters'))
    assert.deepEqual(check(withMember(base, 'imageTagMutabilityExclusionFilters', { type: 'list', member: FILTER })), [])
    assert.match(check(withMember(base, 'imageTagMutabilityExclusionFilters', { type: 'list', member: FILTER }, ['repositoryName', 'imageTagMutabilityExclusionFilters'])).join('\n'), /required true, SDK false/)
    assert.match(check(withMember(base, 'imageTagMutabilityExclusionFilters', FILTER)).join('\n'), /type structure, SDK list/)
    assert.match(check(withMember(base, 'imageTagMutabilityExclusionFilters', { type: 'list', member: { ...FILTER, required: ['filter'] } })).join('\n'), /\[\]: required \["filter"\], SDK \["filter","filterType"\]/)
    const inNeither = compareInputShape(model, withMember(base, 'imageTagMutabilityWhims', str), 'CreateRepositoryRequest', 'CreateRepository')
    assert.match(inNeither.join('\n'), /imageTagMutabilityWhims: not a member of CreateRepositoryRequest in Debian's model nor the SDK's/)
  })

  test('an enum that gained values since Debian\'s model must carry exactly the SDK\'s values', () => {
    const mutability = (values: string[]): StructureShape => ({ type: 'structure', members: { m: { type: 'string', enum: values } } })
    const compareEnum = (values: string[]) => compareInputShape(model, mutability(values).members['m'] as Shape, 'ImageTagMutability', 'x')
    assert.deepEqual(compareEnum(['MUTABLE', 'IMMUTABLE']), [], 'Debian\'s values, in its order')
    assert.deepEqual(compareEnum(['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION']), [])
    assert.notDeepEqual(compareEnum(['MUTABLE', 'IMMUTABLE', 'SOMETIMES']), [])
    assert.notDeepEqual(compareEnum(['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION']), [])
  })

  test('responses: newer members and enum values are checked against the SDK, wrong ones fail', () => {
    const repo = { repositoryName: 'app', imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'dev-*' }] }
    assert.deepEqual(checkAgainstModel(model, 'Repository', repo), [])
    assert.match(checkAgainstModel(model, 'Repository', { ...repo, imageTagMutability: 'SOMETIMES' }).join('\n'), /imageTagMutability: not one of/)
    assert.match(checkAgainstModel(model, 'Repository', { ...repo, imageTagMutabilityExclusionFilters: [{ filterType: 1, filter: 'x' }] }).join('\n'), /filterType: not a string/)
    assert.match(checkAgainstModel(model, 'Repository', { ...repo, imageTagMutabilityExclusionFilters: [{ filter: 'x' }] }).join('\n'), /filterType: required member missing/)
    assert.match(checkAgainstModel(model, 'Repository', { ...repo, whims: true }).join('\n'), /whims: not a member of Repository/)

    const out = operationShapes(model, 'ListImageReferrers')?.output ?? ''
    const referrer = { digest: 'sha256:00', mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 12, annotations: { a: 'b' } }
    assert.deepEqual(checkAgainstModel(model, out, { referrers: [referrer] }), [])
    assert.match(checkAgainstModel(model, out, { referrers: [{ ...referrer, size: '12' }] }).join('\n'), /size: not a number/)
    assert.match(checkAgainstModel(model, out, { referrers: [{ ...referrer, mediaType: undefined }] }).join('\n'), /mediaType: required member missing/)
    assert.match(checkAgainstModel(model, out, { referrers: [{ ...referrer, annotations: { a: 1 } }] }).join('\n'), /annotations\.a: not a string/)
  })
})
