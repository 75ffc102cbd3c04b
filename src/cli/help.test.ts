/**
 * `--help` and `-h` on every command in the table: the command's own usage text on stdout,
 * nothing on stderr, exit 0, and nothing run (parseCommandArgs handles help for all of them).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { commands } from './commands.ts'
import { runDrydock } from '../testkit/run-drydock.ts'

describe('drydock <command> --help', () => {
  for (const name of Object.keys(commands)) {
    it(`${name}: usage on stdout, exit 0`, async () => {
      for (const flag of ['--help', '-h']) {
        // A required argument is missing on purpose: help must win over validation.
        const r = await runDrydock([name, flag], { env: { DRYDOCK_PASSWORD: undefined, DRYDOCK_KEY_PASSWORD: undefined } })
        assert.equal(r.code, 0, `${name} ${flag}: ${r.stderr}`)
        assert.match(r.stdout, /Usage/, `${name} ${flag} prints its usage`)
        assert.equal(r.stderr, '')
      }
    })
  }

  it('an unknown option is still a usage error (exit 2) with the usage text', async () => {
    const r = await runDrydock(['scan', '--no-such-option', 'x'])
    assert.equal(r.code, 2)
    assert.match(r.stderr, /Usage: drydock scan/)
    const typo = await runDrydock(['scan', '--severty', 'HIGH', 'x'])
    assert.equal(typo.code, 2)
    assert.match(typo.stderr, /^drydock: unknown option '--severty' \(did you mean '--severity'\?\)/)
  })
})
