import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '../config/load-config.ts'
import { createTrustPolicy } from '../../trust/policy/trust-policy.ts'
import { trustConfig } from './trust-config.ts'

let dir: string
const pem = (curve = 'P-256'): string => generateKeyPairSync('ec', { namedCurve: curve }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
const keyA = pem()
const keyB = pem()

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drydock-trust-config-'))
  await mkdir(join(dir, 'keys'))
  await writeFile(join(dir, 'keys', 'b.pub'), keyB)
})
after(async () => rm(dir, { recursive: true, force: true }))

test('inline PEMs and key files (relative to the config file) are loaded per namespace', async () => {
  const file = join(dir, 'drydock.json')
  await writeFile(file, JSON.stringify({ trust: { namespaces: { 'team-a': [keyA, { file: 'keys/b.pub' }], '*': [{ file: join(dir, 'keys', 'b.pub') }], closed: [] } } }))
  const config = loadConfig(['--config', file], {})
  assert.deepEqual(config.trust?.namespaces, { 'team-a': [keyA, keyB], '*': [keyB], closed: [] })
  const policy = createTrustPolicy(config.trust ?? { namespaces: {} })
  assert.equal(policy.keysFor('team-a/app').length, 2)
  assert.equal(policy.keysFor('other/app').length, 1)
  assert.equal(policy.keysFor('closed/app').length, 0)
})

test('no trust section: no trust config at all', () => {
  assert.equal(loadConfig([], {}).trust, undefined)
  assert.deepEqual(trustConfig(undefined, dir), { namespaces: {} })
})

test('bad input is refused at load time with a message naming the entry', async () => {
  const cases: [unknown, RegExp][] = [
    [[], /trust.namespaces must be an object/],
    [{ 'team-a': keyA }, /"team-a"\] must be a list/],
    [{ 'Bad Name': [keyA] }, /not a repository namespace/],
    [{ 'team-a': [42] }, /\["team-a"\]\[0\] must be a PEM public key or \{"file": PATH\}/],
    [{ 'team-a': [keyA, '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n'] }, /\["team-a"\]\[1\]: /],
    [{ 'team-a': [pem('P-384')] }, /\["team-a"\]\[0\]: .*P-256/],
    [{ 'team-a': [{ file: 'keys/missing.pub' }] }, /cannot read key file .*missing\.pub: ENOENT/],
    [{ 'team-a': [{ file: 'keys' }] }, /not a regular file/],
  ]
  for (const [raw, message] of cases) assert.throws(() => trustConfig(raw, dir), message, JSON.stringify(raw).slice(0, 80))
})

test('a huge file named as a key is refused without reading it', async () => {
  await writeFile(join(dir, 'big.pub'), Buffer.alloc(1024 * 1024, 0x41))
  assert.throws(() => trustConfig({ x: [{ file: 'big.pub' }] }, dir), /too large to be a public key/)
})
