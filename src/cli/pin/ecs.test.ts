// ECS task definitions: the real skeleton Debian's AWS CLI generates, filled in as a user would.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { mustRun } from '../../testkit/run-tool.ts'
import { ecsImageSites } from './ecs.ts'
import { PinFileError, spliceImages } from './pin-format.ts'

const DIGEST = `sha256:${'a'.repeat(64)}`

async function skeleton(): Promise<string> {
  const r = await mustRun('/usr/bin/aws', ['ecs', 'register-task-definition', '--generate-cli-skeleton'], { env: { AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' } })
  return r.stdout
}

/** The skeleton with its one container's image set, and a second container (a sidecar) added. */
function filled(text: string, app: string, sidecar: string): string {
  const doc = JSON.parse(text) as { family: string; containerDefinitions: Array<Record<string, unknown>> }
  doc.family = 'web'
  const first = doc.containerDefinitions[0] ?? {}
  first['name'] = 'app'
  first['image'] = app
  doc.containerDefinitions.push({ name: 'log-router', image: sidecar, essential: false })
  return `${JSON.stringify(doc, null, 4)}\n`
}

describe('ECS task definition sites', () => {
  it('finds every containerDefinitions[].image of the aws CLI skeleton and splices only those strings', async () => {
    const text = filled(await skeleton(), '127.0.0.1:5000/acme/app:1.0', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable')
    const sites = ecsImageSites('task.json', text)
    assert.deepEqual(sites.map((s) => [s.where, s.image]), [
      ['containerDefinitions[0].image', '127.0.0.1:5000/acme/app:1.0'],
      ['containerDefinitions[1].image', 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable'],
    ])
    const out = spliceImages(text, sites, new Map([[0, `127.0.0.1:5000/acme/app@${DIGEST}`]]))
    const expected = JSON.parse(text) as { containerDefinitions: Array<{ image: string }> }
    ;(expected.containerDefinitions[0] as { image: string }).image = `127.0.0.1:5000/acme/app@${DIGEST}`
    assert.deepEqual(JSON.parse(out), expected)
    // Byte for byte the same apart from the one string: the 4-space indent of the CLI is kept.
    assert.equal(out.replace(`127.0.0.1:5000/acme/app@${DIGEST}`, '127.0.0.1:5000/acme/app:1.0'), text)
  })

  it('reads describe-task-definition output (taskDefinition.containerDefinitions)', () => {
    const text = '{\n  "taskDefinition": {\n    "containerDefinitions": [{"name": "a", "image": "h.example/x/y:2"}]\n  }\n}\n'
    assert.deepEqual(ecsImageSites('d.json', text).map((s) => s.where), ['taskDefinition.containerDefinitions[0].image'])
  })

  it('refuses duplicate keys, non-string images and files that are not task definitions', () => {
    assert.throws(() => ecsImageSites('t.json', '{"containerDefinitions": [{"image": "a/b:1", "image": "c/d:1"}]}'), PinFileError)
    assert.throws(() => ecsImageSites('t.json', '{"containerDefinitions": [{"image": 3}]}'), /must be a string/)
    assert.throws(() => ecsImageSites('t.json', '{"family": "x"}'), /no containerDefinitions/)
    assert.throws(() => ecsImageSites('t.json', '{"containerDefinitions": ['), PinFileError)
  })
})
