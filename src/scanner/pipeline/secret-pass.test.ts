// The secret scan inside the pipeline's single walk, on layouts built in the test with GNU tar:
// every layer blob is opened once for packages and secrets together; a secret in a file deleted
// by a later layer is reported and marked; the secret analyzer is part of the layer cache key
// only when secrets are scanned; the allowlist applies to cached results too; no raw secret is
// in the inventory or the cache.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { Descriptor } from '../../oci/descriptor.ts'
import { MemoryLayerCache } from '../cache/memory-layer-cache.ts'
import { parseImageSource } from '../image/parse-image-source.ts'
import type { ImageSource } from '../image/source.ts'
import { gnuTar, writeLayout } from '../image/testing/layout-builder.ts'
import { recordingAnalyzer, withTempDir } from '../image/testing/layer-fixtures.ts'
import { analyzeImage } from './analyze-image.ts'

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const rand = (n: number, alphabet: string): string => [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('')

/** Delegates to a real source and counts the layer blobs opened. */
function counting(source: ImageSource): ImageSource & { opened: string[] } {
  const opened: string[] = []
  return {
    reference: source.reference,
    opened,
    resolve: (o) => source.resolve(o),
    readConfig: (m, o) => source.readConfig(m, o),
    openBlob: (d: Descriptor, o) => {
      opened.push(d.digest)
      return source.openBlob(d, o)
    },
    close: () => source.close(),
  }
}

async function image(dir: string, awsKey: string, ghToken: string): Promise<string> {
  const l1 = await gnuTar(dir, {
    app: { dir: true },
    'app/.env': `# local settings\nAWS_ACCESS_KEY_ID=${awsKey}\n`,
    'app/deploy.sh': `#!/bin/sh\ngit clone https://ci:${ghToken}@github.com/acme/app.git\n`,
    'app/marker': 'pkg\n',
  })
  const l2 = await gnuTar(dir, { 'app/.wh..env': '', 'app/readme': 'hello\n' })
  return await writeLayout(join(dir, 'layout'), [{ tar: l1, compression: 'gzip' }, { tar: l2, compression: 'zstd' }])
}

describe('secrets in the pipeline walk', () => {
  it('one pass: packages and secrets from the same blob reads; deleted files are marked; the cache key follows the scanner set', async () => {
    await withTempDir(async (dir) => {
      const awsKey = `AKIA${rand(16, UPPER)}`
      const ghToken = `ghp_${rand(36, ALNUM)}`
      const ref = await image(dir, awsKey, ghToken)
      const cache = new MemoryLayerCache()
      const pkg = recordingAnalyzer('marker', (p) => p === 'app/marker')

      const withSecrets = counting(await parseImageSource(ref))
      const inv = await analyzeImage(withSecrets, { analyzers: [pkg], cache, secrets: {} })
      assert.equal(withSecrets.opened.length, 2, 'each layer blob is opened once')
      assert.equal(pkg.calls.length, 1, 'the package analyzer ran in the same walk')
      const aws = inv.secrets?.find((s) => s.id === 'aws-access-key-id')
      assert.ok(aws, JSON.stringify(inv.secrets))
      assert.deepEqual(aws.location.kind === 'file' && [aws.location.path, aws.location.layerIndex, aws.location.deletedLater, aws.line], ['app/.env', 0, true, 2])
      assert.equal(aws.location.kind === 'file' && aws.location.layerDigest, inv.image.layers[0]?.digest)
      const gh = inv.secrets?.find((s) => s.id === 'github-pat')
      assert.ok(gh && gh.location.kind === 'file' && gh.location.path === 'app/deploy.sh' && gh.location.deletedLater === undefined)
      const text = JSON.stringify(inv)
      assert.ok(!text.includes(awsKey) && !text.includes(ghToken), 'no raw secret in the inventory')
      assert.equal(cache.size, 2)

      // Without secrets: another key (no secret analyzer), so no stale secret-less entry is reused later.
      const plain = await analyzeImage(await parseImageSource(ref), { analyzers: [pkg], cache })
      assert.equal(plain.secrets, undefined)
      assert.equal(cache.size, 4)

      // Again with secrets: all from the cache, nothing streamed, the same findings.
      const again = counting(await parseImageSource(ref))
      const cached = await analyzeImage(again, { analyzers: [pkg], cache, secrets: {} })
      assert.equal(again.opened.length, 0)
      assert.deepEqual(cached.secrets, inv.secrets)

      // The allowlist and disabled rules apply to cached results (they are not in the key).
      const allowed = await analyzeImage(await parseImageSource(ref), { analyzers: [pkg], cache, secrets: { allowlist: { paths: ['app/.env'] } } })
      assert.deepEqual(allowed.secrets?.map((s) => s.id), ['github-pat'])
      const byPrint = await analyzeImage(await parseImageSource(ref), { analyzers: [pkg], cache, secrets: { allowlist: { fingerprints: [gh.fingerprint] } } })
      assert.deepEqual(byPrint.secrets?.map((s) => s.id), ['aws-access-key-id'])
      assert.equal(cache.size, 4)
    })
  })

  it('a secret-only result survives the walker (it used to be dropped as empty)', async () => {
    await withTempDir(async (dir) => {
      const token = `ghp_${rand(36, ALNUM)}`
      const l1 = await gnuTar(dir, { 'etc/token': `token=${token}\n` })
      const ref = await writeLayout(join(dir, 'one'), [{ tar: l1, compression: 'none' }])
      const inv = await analyzeImage(await parseImageSource(ref), { analyzers: [], secrets: {} })
      assert.deepEqual(inv.secrets?.map((s) => [s.id, s.location.kind === 'file' && s.location.path]), [['github-pat', 'etc/token']])
    })
  })
})
