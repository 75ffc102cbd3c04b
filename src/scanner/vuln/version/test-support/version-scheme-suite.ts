/**
 * The conformance suite every VersionScheme runs with its own table: `ordered` lists groups of
 * equal versions in ascending order; every pair across the whole table is checked both ways
 * (so the order is total, antisymmetric and transitive over the table), and every `invalid`
 * string must be rejected by isValid and make compare throw InvalidVersionError.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { InvalidVersionError, type VersionScheme } from '../scheme.ts'

export interface SchemeTable {
  readonly ordered: ReadonlyArray<readonly string[]>
  readonly invalid: readonly string[]
}

export function runVersionSchemeSuite(scheme: VersionScheme, table: SchemeTable): void {
  it(`${scheme.name}: orders the table`, () => {
    const flat = table.ordered.flatMap((group, rank) => group.map((v) => ({ v, rank })))
    const wrong: string[] = []
    for (const x of flat) {
      assert.ok(scheme.isValid(x.v), `isValid(${JSON.stringify(x.v)})`)
      for (const y of flat) {
        const got = Math.sign(scheme.compare(x.v, y.v))
        const want = Math.sign(x.rank - y.rank)
        if (got !== want) wrong.push(`${JSON.stringify(x.v)} vs ${JSON.stringify(y.v)}: want ${want}, got ${got}`)
      }
    }
    assert.deepEqual(wrong, [])
  })

  it(`${scheme.name}: rejects invalid versions with InvalidVersionError`, () => {
    const valid = table.ordered[0]![0]!
    for (const bad of table.invalid) {
      assert.equal(scheme.isValid(bad), false, `isValid(${JSON.stringify(bad)})`)
      for (const call of [() => scheme.compare(bad, valid), () => scheme.compare(valid, bad)]) {
        assert.throws(call, (err: unknown) => err instanceof InvalidVersionError && err.scheme === scheme.name, JSON.stringify(bad))
      }
    }
  })
}
