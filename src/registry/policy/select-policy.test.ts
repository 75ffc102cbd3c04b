// Which policy governs a repository: longest whole-segment scope, `*` default, none without one.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { validateDeployPolicies } from './parse-policy.ts'
import { selectPolicy } from './select-policy.ts'

const policies = validateDeployPolicies([
  { name: 'default', scope: '*', require: { scan: {} } },
  { name: 'acme', scope: 'acme', require: { signed: true } },
  { name: 'acme-team', scope: 'acme/team/', require: { noSecrets: true } },
  { name: 'sandbox', scope: 'acme/sandbox', require: {} },
  { name: 'a', scope: 'a', require: {} },
])
const chosen = (repo: string, list = policies): string | undefined => selectPolicy(list, repo)?.name

it('the longest scope covering the repository on whole segments wins', () => {
  assert.equal(chosen('acme'), 'acme')
  assert.equal(chosen('acme/app'), 'acme')
  assert.equal(chosen('acme/team'), 'acme-team')
  assert.equal(chosen('acme/team/api/v2'), 'acme-team')
  assert.equal(chosen('acme/sandbox'), 'sandbox')
  assert.equal(chosen('acme/sandbox/x'), 'sandbox')
})

it('a prefix that is not a whole segment does not match; * takes the rest', () => {
  assert.equal(chosen('acme-labs/app'), 'default')
  assert.equal(chosen('acmeteam'), 'default')
  assert.equal(chosen('acme/teams/app'), 'acme')
  assert.equal(chosen('other/app'), 'default')
})

it('a one-character scope beats * (which is shorter than any name), whatever the order', () => {
  assert.equal(chosen('a/b'), 'a')
  assert.equal(chosen('a/b', [...policies].reverse()), 'a')
  assert.equal(chosen('acme/team/x', [...policies].reverse()), 'acme-team')
})

it('no policy when nothing covers the repository and there is no *', () => {
  assert.equal(chosen('other/app', policies.filter((p) => p.scope !== '*')), undefined)
  assert.equal(chosen('x', []), undefined)
})
