// The interactive first-admin prompt, `drydock user create NAME --admin --data DIR`, driven on a
// real pseudo-terminal: both prompts appear, what is typed is never echoed, the admin is stored
// with that password; a mismatch or Ctrl-C creates nobody.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'node:test'
import { verifyPassword } from '../../src/registry/auth/password-hasher.ts'
import { SqliteStore } from '../../src/registry/metadata/sqlite/sqlite-store.ts'
import { NODE_BIN, REPO_ROOT } from '../../src/testkit/repo-paths.ts'
import { startPty } from './pty-session.ts'

const cli = (dataDir: string, name: string): string[] => [NODE_BIN, join(REPO_ROOT, 'src/cli/main.ts'), 'user', 'create', name, '--admin', '--data', dataDir]

async function userOf(dataDir: string, name: string) {
  const store = new SqliteStore(join(dataDir, 'metadata.db'))
  try {
    return await store.auth.users.get(name)
  } finally {
    await store.close()
  }
}

it('prompts twice on a terminal, echoes nothing and creates the admin', { timeout: 120_000 }, async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'drydock-tty-'))
  t.after(() => rm(dataDir, { recursive: true, force: true }))
  const password = 'Tty-Secret-Pass-8472'
  const pty = startPty(cli(dataDir, 'boss'))
  await pty.waitFor('New password: ')
  // Typed in pieces, with a typo corrected by Backspace, as a person would.
  pty.type(password.slice(0, 6))
  pty.type(`${password.slice(6)}x\u007f\r`)
  await pty.waitFor('Repeat password: ')
  pty.type(`${password}\r`)
  assert.equal(await pty.exited, 0, pty.output())
  assert.match(pty.output(), /created admin 'boss'/)
  for (const piece of [password, password.slice(0, 6), password.slice(6), 'Secret']) {
    assert.ok(!pty.output().includes(piece), `the terminal showed part of the password: ${JSON.stringify(pty.output())}`)
  }
  const user = await userOf(dataDir, 'boss')
  assert.ok(user?.admin, 'the user is an admin')
  assert.ok(await verifyPassword(password, user.passwordHash), 'the stored hash is of the typed password')
})

it('refuses different passwords and Ctrl-C without creating anyone', { timeout: 120_000 }, async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'drydock-tty-'))
  t.after(() => rm(dataDir, { recursive: true, force: true }))
  const mismatch = startPty(cli(dataDir, 'boss'))
  await mismatch.waitFor('New password: ')
  mismatch.type('first-password-long-1\r')
  await mismatch.waitFor('Repeat password: ')
  mismatch.type('other-password-long-2\r')
  assert.equal(await mismatch.exited, 2, mismatch.output())
  assert.match(mismatch.output(), /passwords do not match/)
  assert.ok(!/first-password|other-password/.test(mismatch.output()))

  const cancelled = startPty(cli(dataDir, 'boss'))
  await cancelled.waitFor('New password: ')
  cancelled.type('half-typed\u0003')
  assert.notEqual(await cancelled.exited, 0)
  assert.match(cancelled.output(), /cancelled/)
  assert.ok(!cancelled.output().includes('half-typed'))
  assert.equal(await userOf(dataDir, 'boss'), undefined, 'nobody was created')
})
