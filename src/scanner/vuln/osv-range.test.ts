import { test } from 'node:test'
import assert from 'node:assert/strict'
import { evaluateAffected } from './osv-range.ts'
import type { OsvAffected, OsvEvent } from './osv.ts'
import { InvalidVersionError, type VersionScheme } from './version/scheme.ts'

// A deliberately small dotted-numeric comparator, local to this test, so the range rules are
// tested independently of the real version schemes.
const dotted: VersionScheme = {
  name: 'semver',
  isValid: (v) => /^\d+(\.\d+)*$/.test(v),
  compare(a, b) {
    for (const v of [a, b]) if (!/^\d+(\.\d+)*$/.test(v)) throw new InvalidVersionError('semver', v)
    const pa = a.split('.').map(Number)
    const pb = b.split('.').map(Number)
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] ?? 0) - (pb[i] ?? 0)
      if (d !== 0) return d
    }
    return 0
  },
}

function eco(...events: OsvEvent[]): OsvAffected {
  return { ranges: [{ type: 'ECOSYSTEM', events }] }
}

const cases: Array<{ name: string; affected: OsvAffected; table: Array<[string, boolean, string[]?]> }> = [
  {
    name: 'introduced 0, fixed',
    affected: eco({ introduced: '0' }, { fixed: '1.0.0' }),
    table: [['0.0.1', true, ['1.0.0']], ['0.9.9', true, ['1.0.0']], ['1.0.0', false], ['1.0.1', false]],
  },
  {
    name: 'introduced, last_affected (inclusive)',
    affected: eco({ introduced: '1.0.0' }, { last_affected: '1.2.0' }),
    table: [['0.9', false], ['1.0.0', true, []], ['1.2.0', true, []], ['1.2.1', false]],
  },
  {
    name: 'two intervals in one range, events given out of order',
    affected: eco({ introduced: '2.0.0' }, { fixed: '2.0.6' }, { introduced: '0' }, { fixed: '1.26.17' }),
    table: [
      ['1.26.12', true, ['1.26.17']],
      ['1.26.17', false],
      ['1.99', false],
      ['2.0.0', true, ['2.0.6']],
      ['2.0.5', true, ['2.0.6']],
      ['2.0.6', false],
      ['3.0', false],
    ],
  },
  {
    name: 'introduced without an end: everything from there on',
    affected: eco({ introduced: '1.5' }),
    table: [['1.4', false], ['1.5', true, []], ['99', true, []]],
  },
  {
    name: 'limit bounds the range',
    affected: eco({ introduced: '0' }, { limit: '2.0' }),
    table: [['1.9', true, []], ['2.0', false], ['2.1', false]],
  },
  {
    name: 'limit * is infinity',
    affected: eco({ introduced: '1.0' }, { limit: '*' }),
    table: [['0.5', false], ['5.0', true, []]],
  },
  {
    name: 'several ranges: any one is enough',
    affected: {
      ranges: [
        { type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '3.0' }, { fixed: '3.2' }] },
      ],
    },
    table: [['0.1', true, ['1.0']], ['2.0', false], ['3.1', true, ['3.2']]],
  },
  {
    name: 'versions enumeration without ranges',
    affected: { versions: ['1.0', '1.1'] },
    table: [['1.0', true, []], ['1.1', true, []], ['1.0.0', false], ['1.2', false]],
  },
  {
    name: 'GIT ranges are ignored',
    affected: { ranges: [{ type: 'GIT', repo: 'https://example.invalid/x', events: [{ introduced: '0' }, { fixed: 'abc123' }] }] },
    table: [['1.0', false]],
  },
]

for (const c of cases) {
  test(`evaluateAffected: ${c.name}`, () => {
    for (const [version, expected, fixed] of c.table) {
      const r = evaluateAffected(version, c.affected, dotted)
      assert.equal(r.affected, expected, `${version} affected`)
      if (fixed !== undefined) assert.deepEqual(r.fixedVersions, fixed, `${version} fixed versions`)
    }
  })
}

test('evaluateAffected: an event version the scheme rejects is ignored and reported', () => {
  const r = evaluateAffected('1.0', eco({ introduced: '0' }, { fixed: 'not-a-version' }), dotted)
  assert.equal(r.affected, true)
  assert.deepEqual(r.invalidVersions, ['not-a-version'])
})

test('evaluateAffected: an installed version that does not parse throws the scheme error', () => {
  assert.throws(() => evaluateAffected('x.y', eco({ introduced: '0' }), dotted), InvalidVersionError)
})
