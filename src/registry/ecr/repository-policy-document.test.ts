import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EcrError } from './ecr-error.ts'
import { parseRepositoryPolicy, renderRepositoryPolicy } from './repository-policy-document.ts'

const scope = { accountId: '123456789012', region: 'us-east-1', repository: 'acme/app' }
const team = (t: string) => `arn:aws:iam::123456789012:group/acme/${t}`
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement })
const refused = (text: string, reason: RegExp) =>
  assert.throws(() => parseRepositoryPolicy(text, scope), (e: unknown) => e instanceof EcrError && e.type === 'InvalidParameterException' && reason.test(e.message))

test('rights gathered per team over all statements become exactly one role', () => {
  const grants = parseRepositoryPolicy(doc(
    { Effect: 'Allow', Principal: { AWS: [team('ci'), team('ops')] }, Action: ['ecr:batchgetimage', 'ecr:PutImage'] },
    { Effect: 'Allow', Principal: { AWS: team('ops') }, Action: 'ecr:BatchDeleteImage', Resource: 'arn:aws:ecr:us-east-1:123456789012:repository/acme/app' },
    { Effect: 'Allow', Principal: '*', Action: 'ecr:GetDownloadUrlForLayer' },
  ), scope)
  assert.deepEqual(grants, { teams: [{ org: 'acme', team: 'ci', role: 'write' }, { org: 'acme', team: 'ops', role: 'admin' }], public: true })
})

test('what render writes, parse reads back to the same grants', () => {
  const grants = { teams: [{ org: 'acme', team: 'a', role: 'read' as const }, { org: 'acme', team: 'b', role: 'read' as const }, { org: 'acme', team: 'c', role: 'admin' as const }], public: true }
  const text = renderRepositoryPolicy(grants, scope.accountId)
  assert.ok(text)
  assert.deepEqual(parseRepositoryPolicy(text, scope), grants)
  assert.equal(renderRepositoryPolicy({ teams: [], public: false }, scope.accountId), undefined)
})

test('what a grant cannot say is refused, never widened or narrowed', () => {
  const allow = { Effect: 'Allow', Principal: { AWS: team('ci') }, Action: 'ecr:BatchGetImage' }
  refused(doc({ ...allow, Action: 'ecr:PutImage' }), /statement 1: acme\/ci would get push/)
  refused(doc({ ...allow, Action: ['ecr:BatchGetImage', 'ecr:BatchDeleteImage'] }), /pull \+ delete/)
  refused(doc({ ...allow, Action: 'ecr:*' }), /wildcards/)
  refused(doc({ ...allow, Action: 's3:GetObject' }), /not an ECR action/)
  refused(doc({ ...allow, Resource: '*' }), /Resource must be left out/)
  refused(doc({ ...allow, Principal: { AWS: 'arn:aws:iam::123456789012:group/other/ci' } }), /grants stay inside their org/)
  refused(doc({ ...allow, Principal: { AWS: 'arn:aws:iam::123456789012:root' } }), /every user of the account/)
  refused(doc({ ...allow, Principal: { AWS: 'arn:aws:iam::123456789012:user/robot/acme/ci' } }), /robot's grants/)
  refused(doc({ ...allow, Principal: { Service: 'ecs.amazonaws.com' } }), /Principal must be/)
  refused(doc({ ...allow, Sid: 'x', NotPrincipal: { AWS: team('ci') } }), /statement 'x': NotPrincipal/)
  refused(doc({ Effect: 'Allow', Principal: '*', Action: ['ecr:BatchGetImage', 'ecr:PutImage'] }), /"\*" may only pull/)
  refused('{"Statement": [], "Statement": []}', /not a valid JSON document/)
  refused(JSON.stringify({ Version: '2020-01-01', Statement: [] }), /Version/)
})
