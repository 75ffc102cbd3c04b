// Issue #14: the seed policy ("Keep last 10 images": 12 pushes, 2 expire) and ECR's documented
// example policies, applied for real through POST …/lifecycle-policy/run and `drydock repo
// expire`: exactly the images ECR says expire, each with the rule ECR names, are expired (no
// longer pullable by tag or digest, listed by …/expired-images) and every other image still pulls.
// A second run expires nothing more: expired images are not counted again.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { mustCli } from '../auth/run-drydock-cli.ts'
import { ECR_EXAMPLES, SEED_POLICY, type EcrExample } from './ecr-examples.ts'
import { expiredByName, policyTextOf, pushExample, startLifecycleWorld, type LifecycleWorld } from './lifecycle-world.ts'

describe('lifecycle runs give the expiry ECR documents', { timeout: 300_000 }, () => {
  let w: LifecycleWorld
  before(async () => {
    w = await startLifecycleWorld()
  })
  after(async () => {
    await w?.close()
  })

  /** Every image the example keeps pulls by tag and digest; every expired one answers 404 both ways. */
  async function checkPulls(repo: string, example: EcrExample, digests: ReadonlyMap<string, string>): Promise<void> {
    for (const image of example.images) {
      const digest = digests.get(image.name) as string
      const want = example.expires[image.name] === undefined ? 200 : 404
      assert.equal(await w.pull(repo, digest), want, `${example.name}: GET ${image.name} by digest`)
      assert.equal(await w.pull(repo, digest, 'HEAD'), want, `${example.name}: HEAD ${image.name} by digest`)
      for (const tag of image.tags) assert.equal(await w.pull(repo, tag), want, `${example.name}: GET ${image.name} by tag ${tag}`)
    }
    const listed = await w.api('GET', `/api/v1/repositories/${repo}/expired-images`)
    assert.equal(listed.status, 200)
    assert.deepEqual(expiredByName(digests, listed.body.images), example.expires, `${example.name}: expired-images`)
  }

  for (const [i, example] of ECR_EXAMPLES.entries()) {
    test(`API: ${example.name}`, async () => {
      const repo = `api/example-${i}`
      const digests = await pushExample(w, repo, example, policyTextOf(example, SEED_POLICY))
      const run = await w.api('POST', `/api/v1/repositories/${repo}/lifecycle-policy/run`)
      assert.equal(run.status, 200, JSON.stringify(run.body))
      assert.deepEqual(expiredByName(digests, run.body.expired), example.expires)
      assert.equal(run.body.kept, example.images.length - Object.keys(example.expires).length)
      assert.deepEqual(run.body.skipped, [])
      await checkPulls(repo, example, digests)
      // Expired images are not counted again: a second run expires nothing.
      const again = await w.api('POST', `/api/v1/repositories/${repo}/lifecycle-policy/run`)
      assert.deepEqual(again.body.expired, [])
    })

    test(`CLI: ${example.name}`, async () => {
      const repo = `cli/example-${i}`
      const digests = await pushExample(w, repo, example, policyTextOf(example, SEED_POLICY))
      const json = JSON.parse(await mustCli(['repo', 'expire', repo, '--format', 'json'], w.cliEnv))
      assert.deepEqual(expiredByName(digests, json.expired), example.expires)
      await checkPulls(repo, example, digests)
      const table = await mustCli(['repo', 'expired', repo], w.cliEnv)
      for (const [name, digest] of digests) {
        assert.equal(table.includes(digest), example.expires[name] !== undefined, `${name} in 'repo expired':\n${table}`)
      }
    })
  }

  test('the seed policy through the CLI: a table naming each expired image and its rule', async () => {
    const example = ECR_EXAMPLES.find((e) => e.name.startsWith('the seed policy')) as EcrExample
    const repo = 'cli/seed-table'
    const digests = await pushExample(w, repo, example, SEED_POLICY)
    const table = await mustCli(['repo', 'expire', repo], w.cliEnv)
    for (const name of ['i00', 'i01']) assert.match(table, new RegExp(`${digests.get(name)}\\s+v${Number(name.slice(1))}\\s+1: Keep last 10 images`), table)
    assert.match(table, /kept\s+10/, table)
  })
})
