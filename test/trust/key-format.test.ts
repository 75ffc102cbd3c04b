// Keys: `drydock key generate` writes cosign's encrypted format; it decrypts with the password
// and is refused with a wrong one; a PKCS#8 key made by openssl, wrapped by our code, round-trips
// and still signs for openssl; a key written by cosign itself decrypts; hostile files are refused.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createPrivateKey, createPublicKey } from 'node:crypto'
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { NODE_BIN, REPO_ROOT } from '../../src/testkit/repo-paths.ts'
import { mustRun, requireTool } from '../../src/testkit/run-tool.ts'
import { signBytes } from '../../src/trust/bundle/sigstore-bundle.ts'
import { decryptPrivateKey, encryptPrivateKey } from '../../src/trust/keys/cosign-encrypted-key.ts'
import { keyIdOf, loadPrivateKey, loadPublicKey, publicKeyOf } from '../../src/trust/keys/key-pair.ts'
import { encodePem } from '../../src/trust/keys/pem.ts'
import { TrustError } from '../../src/trust/trust-errors.ts'
import { PASSWORD, describe, drydock, generateKeys, tempDir } from './trust-fixture.ts'

let dir: Awaited<ReturnType<typeof tempDir>>
before(async () => {
  dir = await tempDir('keys')
})
after(async () => {
  await dir?.remove()
})

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8')
const isCode = (code: string) => (err: unknown) => err instanceof TrustError && err.code === code

test('key generate: cosign format, decrypts with the password, refused with a wrong one', async () => {
  const keys = await generateKeys(dir.path, 'gen')
  const pem = await readFile(keys.key, 'utf8')
  assert.match(pem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/)
  const body = JSON.parse(Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64').toString()) as { kdf: { name: string; params: { N: number }; salt: string }; cipher: { name: string; nonce: string } }
  assert.equal(body.kdf.name, 'scrypt')
  assert.equal(body.kdf.params.N, 32768)
  assert.equal(Buffer.from(body.kdf.salt, 'base64').length, 32)
  assert.equal(body.cipher.name, 'nacl/secretbox')
  assert.equal(Buffer.from(body.cipher.nonce, 'base64').length, 24)
  assert.equal((await stat(keys.key)).mode & 0o777, 0o600)

  const priv = createPrivateKey({ key: await decryptPrivateKey(pem, utf8(PASSWORD)), format: 'der', type: 'pkcs8' })
  const pub = loadPublicKey(await readFile(keys.pub, 'utf8'))
  assert.equal(keyIdOf(publicKeyOf(priv)), keyIdOf(pub), 'the .key and .pub belong together')
  await assert.rejects(decryptPrivateKey(pem, utf8('wrong password')), isCode('KEY_DECRYPT_FAILED'))

  // Through the CLI: a wrong password is a usage error with a clear reason, never a crash.
  const signed = await drydock(['sign', '127.0.0.1:1/x/y:v1', '--key', keys.key], { env: { DRYDOCK_KEY_PASSWORD: 'nope' } })
  assert.equal(signed.code, 2, describe(signed))
  assert.match(signed.stderr, /wrong password or corrupted key file/)
  assert.doesNotMatch(signed.stderr, /nope/)
  // Existing files are not overwritten silently.
  const again = await drydock(['key', 'generate', '--output-key-prefix', join(dir.path, 'gen')])
  assert.equal(again.code, 2, describe(again))
  assert.match(again.stderr, /already exists/)
})

test('an openssl-made PKCS#8 key wrapped in the cosign format round-trips and signs for openssl', async () => {
  const openssl = requireTool('openssl')
  const pem = join(dir.path, 'ossl.pem')
  const der = join(dir.path, 'ossl.p8.der')
  const pubPem = join(dir.path, 'ossl.pub')
  await mustRun(openssl, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', pem])
  // openssl writes EC keys as SEC1 in DER; `pkcs8 -topk8` gives the PKCS#8 that cosign wraps.
  await mustRun(openssl, ['pkcs8', '-topk8', '-nocrypt', '-in', pem, '-outform', 'DER', '-out', der])
  await mustRun(openssl, ['pkey', '-in', pem, '-pubout', '-out', pubPem])
  const pkcs8 = await readFile(der)
  const wrapped = await encryptPrivateKey(pkcs8, utf8('s3cret'))
  assert.deepEqual(await decryptPrivateKey(wrapped, utf8('s3cret')), pkcs8, 'byte-identical PKCS#8 after the round trip')
  await assert.rejects(decryptPrivateKey(wrapped, utf8('S3cret')), isCode('KEY_DECRYPT_FAILED'))

  const key = await loadPrivateKey(wrapped, async () => utf8('s3cret'))
  const data = join(dir.path, 'data.bin')
  const sig = join(dir.path, 'data.sig')
  await writeFile(data, 'payload bytes')
  await writeFile(sig, signBytes(utf8('payload bytes'), key))
  const res = await mustRun(openssl, ['dgst', '-sha256', '-verify', pubPem, '-signature', sig, data])
  assert.match(res.stdout, /Verified OK/)
})

test('a key written by cosign itself decrypts (empty password)', async () => {
  const pem = await readFile(new URL('./testdata/cosign-generated-empty-password.key', import.meta.url), 'utf8')
  const key = await loadPrivateKey(pem, async () => Buffer.alloc(0))
  assert.equal(key.asymmetricKeyDetails?.namedCurve, 'prime256v1')
  await assert.rejects(decryptPrivateKey(pem, utf8('x')), isCode('KEY_DECRYPT_FAILED'))
})

test('hostile or broken key files are refused with a reason', async () => {
  const wrap = (json: unknown): string => encodePem('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from(JSON.stringify(json)))
  const good = JSON.parse(Buffer.from((await encryptPrivateKey(Buffer.from('x'), utf8('p'), { N: 1024, r: 8, p: 1 })).split('\n').slice(1, -2).join(''), 'base64').toString()) as Record<string, Record<string, unknown>>
  const huge = { ...good, kdf: { ...good['kdf'], params: { N: 2 ** 30, r: 8, p: 1 } } }
  await assert.rejects(decryptPrivateKey(wrap(huge), utf8('p')), isCode('KEY_INVALID'))
  const badNonce = { ...good, cipher: { name: 'nacl/secretbox', nonce: 'AAAA' } }
  await assert.rejects(decryptPrivateKey(wrap(badNonce), utf8('p')), isCode('KEY_INVALID'))
  const otherCipher = { ...good, cipher: { ...good['cipher'], name: 'aes-gcm' } }
  await assert.rejects(decryptPrivateKey(wrap(otherCipher), utf8('p')), isCode('KEY_INVALID'))
  await assert.rejects(decryptPrivateKey(encodePem('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from('not json')), utf8('p')), isCode('KEY_INVALID'))
  await assert.rejects(decryptPrivateKey('garbage', utf8('p')), isCode('KEY_INVALID'))
  await assert.rejects(decryptPrivateKey('x'.repeat(1024 * 1024), utf8('p')), isCode('KEY_INVALID'))
  // Not P-256: refused as a trust anchor and as a signing key.
  const rsa = createPublicKey(createPrivateKey(await mustRun(requireTool('openssl'), ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024']).then((r) => r.stdout)))
  assert.throws(() => loadPublicKey(rsa.export({ type: 'spki', format: 'pem' }).toString()), isCode('KEY_INVALID'))
  // A private key given where a public key is expected is refused, not silently used.
  assert.throws(() => loadPublicKey(encodePem('PRIVATE KEY', Buffer.from('x'))), isCode('KEY_INVALID'))
})

test('no password and no terminal: a clear error, not a hang', async () => {
  const keys = await generateKeys(dir.path, 'nopw')
  const env = { ...process.env }
  delete env['DRYDOCK_PASSWORD']
  delete env['DRYDOCK_KEY_PASSWORD']
  delete env['COSIGN_PASSWORD']
  const res = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(NODE_BIN, [join(REPO_ROOT, 'src/cli/main.ts'), 'sign', '127.0.0.1:1/x/y:v1', '--key', keys.key], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stderr }))
  })
  assert.equal(res.code, 2)
  assert.match(res.stderr, /no password: set DRYDOCK_KEY_PASSWORD or COSIGN_PASSWORD/)
})
