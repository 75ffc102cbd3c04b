/**
 * Builds a test image with buildah (vfs storage in a temp dir, no network: the base is the
 * shared busybox layout) and plants secrets and misconfigurations in it:
 *
 *   layer 1  root/.aws/credentials (AWS key pair), root/.ssh/id_rsa (private key),
 *            home/app/.npmrc (npm token), usr/local/bin/suid-tool (4755), etc/app.conf (0666)
 *            + ENV DB_PASSWORD=mysecretpassword
 *   layer 2  deletes root/.aws/credentials; history says it came from a RUN with a GitHub token
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { IMAGES_DIR } from '../../src/testkit/repo-paths.ts'

const exec = promisify(execFile)

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const rand = (n: number, alphabet: string): string => [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('')

export interface PlantedSecrets {
  readonly awsKeyId: string
  readonly awsSecret: string
  readonly privateKeyBody: string
  readonly npmToken: string
  readonly githubToken: string
  readonly password: string
}

export function makeSecrets(): PlantedSecrets {
  return {
    awsKeyId: `AKIA${rand(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    awsSecret: rand(40, B64),
    privateKeyBody: Array.from({ length: 6 }, () => rand(64, B64)).join('\n'),
    npmToken: `npm_${rand(36, B64.slice(0, 62))}`,
    githubToken: `ghp_${rand(36, B64.slice(0, 62))}`,
    password: 'mysecretpassword',
  }
}

async function buildah(root: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await exec('buildah', ['--root', join(root, 'storage'), '--runroot', join(root, 'run'), '--storage-driver', 'vfs', ...args], { maxBuffer: 16 << 20 })
    return stdout.trim()
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT') throw new Error('buildah is required for this test but is not installed (apt-get install buildah)')
    throw new Error(`buildah ${args.join(' ')} failed: ${e.stderr ?? e.message}`)
  }
}

/** Returns the `oci:` reference of the built image (tag `planted`). */
export async function buildPlantedImage(work: string, s: PlantedSecrets): Promise<string> {
  const files = join(work, 'files')
  await mkdir(files, { recursive: true })
  await writeFile(join(files, 'credentials'), `[default]\naws_access_key_id = ${s.awsKeyId}\naws_secret_access_key = ${s.awsSecret}\n`)
  await writeFile(join(files, 'id_rsa'), `-----BEGIN RSA PRIVATE KEY-----\n${s.privateKeyBody}\n-----END RSA PRIVATE KEY-----\n`)
  await writeFile(join(files, 'npmrc'), `//registry.npmjs.org/:_authToken=${s.npmToken}\n`)
  await writeFile(join(files, 'tool'), '#!/bin/sh\necho tool\n')
  await writeFile(join(files, 'app.conf'), 'listen = 8080\n')

  const c1 = await buildah(work, ['from', `oci:${join(IMAGES_DIR, 'busybox')}:1`])
  await buildah(work, ['copy', '--chmod', '0600', c1, join(files, 'credentials'), '/root/.aws/credentials'])
  await buildah(work, ['copy', '--chmod', '0600', c1, join(files, 'id_rsa'), '/root/.ssh/id_rsa'])
  await buildah(work, ['copy', c1, join(files, 'npmrc'), '/home/app/.npmrc'])
  await buildah(work, ['copy', '--chmod', '4755', c1, join(files, 'tool'), '/usr/local/bin/suid-tool'])
  await buildah(work, ['copy', '--chmod', '0666', c1, join(files, 'app.conf'), '/etc/app.conf'])
  await buildah(work, ['config', '--env', `DB_PASSWORD=${s.password}`, '--created-by', 'COPY files / # buildkit', c1])
  await buildah(work, ['commit', '--rm', c1, 'planted-1'])

  const c2 = await buildah(work, ['from', 'planted-1'])
  const mount = await buildah(work, ['mount', c2])
  await exec('rm', ['-f', join(mount, 'root', '.aws', 'credentials')])
  await buildah(work, ['umount', c2])
  await buildah(work, ['config', '--created-by', `RUN /bin/sh -c git clone https://ci:${s.githubToken}@github.com/acme/app.git && rm -f /root/.aws/credentials # buildkit`, c2])
  await buildah(work, ['commit', '--rm', c2, 'planted-2'])
  const layout = join(work, 'layout')
  await buildah(work, ['push', 'planted-2', `oci:${layout}:planted`])
  return `oci:${layout}:planted`
}
