// Starts the reference registry (Debian package docker-registry, distribution 2.8) on
// 127.0.0.1 with filesystem storage in a temp dir, optionally with token auth, for tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

export interface RunningRegistry {
  readonly host: string
  stop(): Promise<void>
}

export interface TokenAuthConfig {
  readonly realm: string
  readonly service: string
  readonly issuer: string
  readonly rootCertBundle: string
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

export async function startRegistry(dir: string, auth?: TokenAuthConfig): Promise<RunningRegistry> {
  const port = await freePort()
  const storage = join(dir, 'storage')
  await mkdir(storage, { recursive: true })
  const authYaml = auth
    ? `auth:\n  token:\n    realm: ${auth.realm}\n    service: ${auth.service}\n    issuer: ${auth.issuer}\n    rootcertbundle: ${auth.rootCertBundle}\n`
    : ''
  const config = join(dir, 'config.yml')
  await writeFile(config, `version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
  secret: drydock-test
${authYaml}`)
  let child: ChildProcess
  try {
    child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    throw new Error('docker-registry is not installed (apt-get install docker-registry)', { cause: err })
  }
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const spawnError = new Promise<never>((_, reject) => child.once('error', (err) => reject(new Error(`cannot start docker-registry (is the docker-registry package installed?): ${err.message}`))))
  const host = `127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    const ok = await Promise.race([
      fetch(`http://${host}/v2/`).then((r) => r.status === 200 || r.status === 401, () => false),
      spawnError,
    ])
    if (ok) break
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill()
      throw new Error(`docker-registry did not start on ${host}: ${stderr}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    host,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
