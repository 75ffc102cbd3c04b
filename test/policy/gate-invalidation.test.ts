// The deploy gate's verdict cache is dropped at once by the events that change a verdict (issue
// #13, docs/policies.md "Enforcement at pull"): a scan completing, a signature pushed (real
// `drydock sign`), and an index signature that covers a child fetched by digest. The fake clock
// never moves here, so no verdict ages out: only the invalidation can change the answers.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Digest } from '../../src/oci/digest.ts'
import { parseManifest } from '../../src/oci/manifest.ts'
import type { RepositoryName } from '../../src/oci/reference.ts'
import { ADMIN, policy, pull, robotToken, startGateServer, type GateServer } from './gate-fixture.ts'

let server: GateServer

const basic = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`

before(async () => {
  // `acme/later` is not scanned on push: its scan is asked for by the test.
  server = await startGateServer({ rules: { 'acme/later': false } })
})
after(async () => {
  await server?.close()
})

test('a cached refusal for "not scanned" is dropped when the scan completes', async () => {
  server.source.set([policy({ name: 'scanned', scope: 'acme', appliesTo: { except: ['admins'] }, require: { scan: {} } })])
  const digest = await server.push('busybox:1', 'acme/later:1')
  const refused = await pull(server, 'acme/later', '1')
  assert.equal(refused.status, 403)
  assert.match(refused.message ?? '', /has not been scanned/)
  const asked = await fetch(`${server.url}/api/v1/repositories/acme/later/images/${digest}/scan`, { method: 'POST', headers: { authorization: basic } })
  assert.ok(asked.status < 300, await asked.text())
  assert.equal(await server.scanned('acme/later', digest), 'COMPLETE')
  assert.deepEqual(await pull(server, 'acme/later', '1'), { status: 200, digest })
})

test('signed by the trusted key pulls; another key does not help; signatures stay readable', async () => {
  server.source.set([policy({ name: 'signed', scope: 'acme', appliesTo: { except: ['admins'] }, require: { signed: true } })])
  const digest = await server.push('busybox:1', 'acme/signed:1')
  assert.equal((await pull(server, 'acme/signed', '1')).status, 403)
  await server.sign('acme/signed:1', server.keys.other.key)
  const other = await pull(server, 'acme/signed', '1')
  assert.equal(other.status, 403)
  assert.match(other.message ?? '', /not signed by a key trusted for acme\/signed/)
  await server.sign('acme/signed:1', server.keys.trusted.key)
  assert.deepEqual(await pull(server, 'acme/signed', '1'), { status: 200, digest })
  // The signature artifacts themselves (no filesystem layer) are served to anyone who may pull.
  const referrers = (await (await fetch(`${server.url}/v2/acme/signed/referrers/${digest}`, { headers: { authorization: `Bearer ${await robotToken(server, 'acme/signed')}` } })).json()) as { manifests: { digest: string }[] }
  assert.ok(referrers.manifests.length >= 2, JSON.stringify(referrers))
  for (const m of referrers.manifests) assert.equal((await pull(server, 'acme/signed', m.digest)).status, 200)
})

test('a child of an index fetched by digest is judged with the signature of the index that lists it', async () => {
  server.source.set([policy({ name: 'signed', scope: 'acme', appliesTo: { except: ['admins'] }, require: { signed: true } })])
  const index = await server.push('multiarch-busybox:1', 'acme/multi:1', { all: true })
  const record = await server.store.manifests.get('acme/multi' as RepositoryName, index)
  assert.ok(record)
  const parsed = parseManifest(await server.app.drydock.manifests.content(record), record.mediaType)
  assert.equal(parsed.kind, 'index')
  const children = parsed.kind === 'index' ? parsed.manifests.map((d) => d.digest as Digest) : []
  assert.equal(children.length, 2)
  assert.equal((await pull(server, 'acme/multi', '1')).status, 403)
  for (const child of children) assert.equal((await pull(server, 'acme/multi', child)).status, 403, child)
  await server.sign('acme/multi:1', server.keys.trusted.key)
  assert.equal((await pull(server, 'acme/multi', '1')).status, 200)
  for (const child of children) assert.equal((await pull(server, 'acme/multi', child, 'HEAD')).status, 200, child)
})
