// The registry's base-image catalog on a real SQLite store: candidates by layer chain, the
// tenancy rule (open registry: all; access control: same namespace or public), the scanned
// repository left out, untagged candidates named by digest.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { digestOf, type Digest } from '../../oci/digest.ts'
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import { matchBaseByLayers } from '../../scanner/compliance/base-image-catalog.ts'
import { layerChainOf } from '../distribution/layer-chain.ts'
import { SqliteStore } from '../metadata/sqlite/sqlite-store.ts'
import { registryBaseImages, visibleTo } from './registry-base-images.ts'

const at = new Date('2026-12-01T00:00:00Z')
const blob = (s: string): Digest => digestOf(`blob ${s}`)
const diff = (s: string): Digest => digestOf(`diff ${s}`)
const [L1, L2, L3] = [blob('1'), blob('2'), blob('3')]
const diffIds = [diff('1'), diff('2'), diff('3')]

let dir = ''
let store: SqliteStore

async function image(repo: string, layers: Digest[], tag?: string): Promise<void> {
  const digest = digestOf(`${repo} ${layers.join()}`)
  await store.manifests.put({ repo: repo as RepositoryName, digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, pushedAt: at, layerChain: layerChainOf(layers)! })
  if (tag) await store.tags.put(repo as RepositoryName, tag as Tag, digest, at)
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drydock-bases-'))
  store = new SqliteStore(join(dir, 'metadata.db'))
  await image('team/base', [L1], 'latest')
  await image('team/mid', [L1, L2], '2')
  await image('other/private-base', [L1, L2], 'v1')
  await image('pub/base', [L1], 'stable')
  await image('team/untagged', [L1])
  await image('team/app', [L1, L2], '0.9') // an older version of the scanned image
  await image('team/unrelated', [L3], 'x')
})
after(async () => {
  await store?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

const names = async (access: Parameters<typeof visibleTo>[0]) => {
  const catalog = await registryBaseImages({ store, visible: visibleTo(access), maxCandidates: 50 }, 'team/app', [L1, L2, L3], diffIds)
  return catalog.imagesWithFirstLayer(diffIds[0]!).map((k) => `${k.name} ${k.diffIds.length}`).sort()
}

test('with access control: the same namespace and public repositories only, never the scanned repository', async () => {
  const isPublic = async (repo: string) => repo === 'pub/base'
  assert.deepEqual(await names({ enabled: true, isPublic }), [
    'drydock://pub/base:stable 1',
    'drydock://team/base:latest 1',
    'drydock://team/mid:2 2',
    `drydock://team/untagged@${digestOf(`team/untagged ${[L1].join()}`)} 1`,
  ])
  const catalog = await registryBaseImages({ store, visible: visibleTo({ enabled: true, isPublic }), maxCandidates: 50 }, 'team/app', [L1, L2, L3], diffIds)
  assert.deepEqual(matchBaseByLayers(diffIds, catalog), { names: ['drydock://team/mid:2'], layers: 2, of: 3 }, 'the longest visible prefix')
})

test('an open registry (no access control, or auto with no user yet): every repository is readable, so every one counts', async () => {
  const all = await names(undefined)
  assert.ok(all.includes('drydock://other/private-base:v1 2'), all.join('\n'))
  assert.deepEqual(await names({ enabled: false, isPublic: async () => false }), all)
})

test('the bound: at most maxCandidates stored manifests, longest chains first; 0 turns the lookup off', async () => {
  const one = await registryBaseImages({ store, visible: visibleTo(undefined), maxCandidates: 1 }, 'team/app', [L1, L2, L3], diffIds)
  assert.deepEqual(one.imagesWithFirstLayer(diffIds[0]!).map((k) => k.name), ['drydock://other/private-base:v1'], 'the first of the longest chain')
  const off = await registryBaseImages({ store, visible: visibleTo(undefined), maxCandidates: 0 }, 'team/app', [L1, L2, L3], diffIds)
  assert.deepEqual(off.imagesWithFirstLayer(diffIds[0]!), [])
})

test('no shared first layer, or layers and diff_ids that disagree: an empty catalog', async () => {
  const none = await registryBaseImages({ store, visible: visibleTo(undefined), maxCandidates: 50 }, 'team/app', [blob('9')], [diff('9')])
  assert.deepEqual(none.imagesWithFirstLayer(diff('9')), [])
  const odd = await registryBaseImages({ store, visible: visibleTo(undefined), maxCandidates: 50 }, 'team/app', [L1, L2], [diff('1')])
  assert.deepEqual(odd.imagesWithFirstLayer(diff('1')), [])
})
