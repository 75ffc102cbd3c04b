// The exit-code table in README.md ("Exit codes (CLI)") is the contract: it lists exactly the
// codes of src/cli/exit-codes.ts, and every command's --help that mentions exit codes uses only
// those codes, with the same meaning for the ones it names.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { commands } from '../../src/cli/commands.ts'
import { EXIT } from '../../src/cli/exit-codes.ts'
import { REPO_ROOT } from '../../src/testkit/repo-paths.ts'
import { runDrydock } from '../../src/testkit/run-drydock.ts'

async function readmeTable(): Promise<Map<number, string>> {
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8')
  const section = readme.split(/^## /m).find((s) => s.startsWith('Exit codes'))
  assert.ok(section, 'README has an "Exit codes" section')
  const rows = new Map<number, string>()
  for (const m of section.matchAll(/^\| (\d+) \| (.+) \|$/gm)) rows.set(Number(m[1]), m[2] ?? '')
  return rows
}

describe('exit codes: README table, EXIT and the commands agree', () => {
  it('the README table lists exactly the codes of EXIT', async () => {
    const rows = await readmeTable()
    assert.deepEqual([...rows.keys()].sort((a, b) => a - b), [...Object.values(EXIT)].sort((a, b) => a - b))
  })

  it('refused credentials have their own code, documented as such', async () => {
    const rows = await readmeTable()
    assert.notEqual(EXIT.unauthorized, EXIT.unreachable)
    assert.match(rows.get(EXIT.unauthorized) ?? '', /credentials/)
    assert.doesNotMatch(rows.get(EXIT.unreachable) ?? '', /credentials/)
  })

  it('every command that lists exit codes in --help uses only codes of the table', async () => {
    const rows = await readmeTable()
    for (const name of Object.keys(commands)) {
      const r = await runDrydock([name, '--help'])
      const text = /Exit codes?:?([\s\S]*?)(\n\n|$)/.exec(r.stdout)?.[1]
      if (text === undefined) continue
      for (const m of text.matchAll(/(?:^|[\s,])(\d+) ([a-z][a-z ]*)/g)) {
        const code = Number(m[1])
        assert.ok(rows.has(code), `drydock ${name} --help names exit code ${code}, which README's table does not have`)
      }
    }
  })
})
