// The resolver's order and rules on files written by the test (no server): environment before
// Drydock's store before docker's config before podman's auth.json; identity tokens preferred;
// empty passwords are no credential; DRYDOCK_* scoped to one registry; docker.io aliases; a
// corrupt file named, never quoted.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileStore } from '../../src/cli/credentials/credential-file.ts'
import { apiAuthorization, registryCredentials, resolveCredential } from '../../src/cli/credentials/resolve-credentials.ts'
import { answerTable } from '../../src/cli/output/table.ts'

const HOST = 'registry.example:5000'
const b64 = (s: string): string => Buffer.from(s).toString('base64')

describe('resolveCredential', () => {
  let dir: string
  let env: NodeJS.ProcessEnv
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'drydock-resolve-'))
    env = { HOME: dir, DOCKER_CONFIG: join(dir, 'docker'), XDG_CONFIG_HOME: join(dir, 'config'), XDG_RUNTIME_DIR: join(dir, 'run') }
    await mkdir(join(dir, 'docker'))
    await mkdir(join(dir, 'run', 'containers'), { recursive: true })
  })
  after(() => rm(dir, { recursive: true, force: true }))

  const docker = (json: unknown) => writeFile(join(dir, 'docker', 'config.json'), JSON.stringify(json))
  const podman = (json: unknown) => writeFile(join(dir, 'run', 'containers', 'auth.json'), JSON.stringify(json))

  it('takes the first source that has credentials, in the documented order', async () => {
    assert.equal(await resolveCredential(HOST, {}, env), undefined)
    await podman({ auths: { [HOST]: { auth: b64('p:podman-secret') } } })
    assert.equal((await resolveCredential(HOST, {}, env))?.source, `podman auth file (${join(dir, 'run', 'containers', 'auth.json')})`)
    await docker({ auths: { [`https://${HOST}/v1/`]: { auth: b64('d:docker-secret') } } })
    assert.deepEqual(await resolveCredential(HOST, {}, env), { kind: 'password', username: 'd', password: 'docker-secret', source: `docker config (${join(dir, 'docker', 'config.json')})` })
    await fileStore(HOST, { username: 'l', password: 'login-secret' }, env)
    assert.deepEqual(await resolveCredential(HOST, {}, env), { kind: 'password', username: 'l', password: 'login-secret', source: `drydock login (${join(dir, 'config', 'drydock', 'credentials.json')})` })
    const withEnv = { ...env, DRYDOCK_REGISTRY: `https://${HOST}`, DRYDOCK_USERNAME: 'e', DRYDOCK_PASSWORD: 'env-secret' }
    assert.deepEqual(await resolveCredential(HOST, {}, withEnv), { kind: 'password', username: 'e', password: 'env-secret', source: 'DRYDOCK_PASSWORD' })
    // Another registry gets neither the environment's nor anyone else's secret.
    assert.equal(await resolveCredential('other.example', {}, withEnv), undefined)
    // Without DRYDOCK_REGISTRY: only a registry named by URL gets the environment's.
    const unscoped = { ...env, DRYDOCK_USERNAME: 'e', DRYDOCK_PASSWORD: 'env-secret' }
    assert.equal((await resolveCredential(HOST, {}, unscoped))?.source.startsWith('drydock login'), true)
    assert.equal((await resolveCredential(HOST, {}, unscoped, { registryNamedByUrl: true }))?.source, 'DRYDOCK_PASSWORD')
    // A user name asked for keeps another user's stored secret out.
    assert.equal(await resolveCredential(HOST, { username: 'someone-else' }, env), undefined)
  })

  it('prefers an identity token, skips empty passwords, knows docker.io\'s aliases, and reads credential-less entries as nothing', async () => {
    const clean = { ...env, XDG_CONFIG_HOME: join(dir, 'empty-config') }
    await podman({ auths: {} })
    await docker({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:'), identitytoken: 'ddf_refresh' }, [HOST]: { auth: b64('nopass:') } } })
    const hub = await resolveCredential('docker.io', {}, clean)
    assert.equal(hub?.kind, 'identity-token')
    assert.deepEqual(registryCredentials(hub), { username: 'hub', password: '', identityToken: 'ddf_refresh', clientId: 'docker' })
    assert.throws(() => apiAuthorization(hub as NonNullable<typeof hub>), /identity token/)
    assert.equal(await resolveCredential(HOST, {}, clean), undefined, 'an empty password would only count as a failed login')
  })

  it('DRYDOCK_TOKEN without a user name is a Bearer token for the API, and refused for /v2 with a clear reason', async () => {
    const c = await resolveCredential(HOST, {}, { ...env, DRYDOCK_TOKEN: 'ddp_abcdefghijkm_x' }, { registryNamedByUrl: true })
    assert.equal(c && apiAuthorization(c), 'Bearer ddp_abcdefghijkm_x')
    assert.throws(() => registryCredentials(c), /DRYDOCK_USERNAME/)
  })

  it('names a corrupt config file without quoting it', async () => {
    await writeFile(join(dir, 'docker', 'config.json'), '{"auths": {"x": {"auth": "c2VjcmV0LXZhbHVl"')
    await assert.rejects(resolveCredential('nowhere.example', {}, { ...env, XDG_CONFIG_HOME: join(dir, 'empty-config') }), (err: Error) => {
      assert.match(err.message, /config\.json is not valid JSON/)
      assert.doesNotMatch(err.message, /c2VjcmV0/)
      return true
    })
  })
})

describe('answerTable', () => {
  it('one list of objects becomes rows, other fields a FIELD/VALUE head; control characters never reach the terminal', () => {
    assert.equal(answerTable({ users: [{ name: 'a\u001b[31m', admin: true }, { name: 'bb', admin: false }] }), 'NAME    ADMIN\na [31m  true\nbb      false\n')
    assert.equal(answerTable({ org: 'acme', members: [], grants: [{ target: 'acme/*', role: 'read' }] }), 'FIELD    VALUE\norg      acme\nmembers\n\nTARGET  ROLE\nacme/*  read\n')
    assert.equal(answerTable({ orgs: [] }), '(none)\n')
    assert.equal(answerTable({ orgs: ['a', 'b'] }), 'ORGS\na\nb\n')
  })
})
