import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { requireTestdata, VULNDB_DIR } from '../../testkit/repo-paths.ts'
import { parseOsv, validateOsv } from './osv.ts'

test('every real OSV record in the shared fixture parses', () => {
  requireTestdata()
  for (const dir of ['npm', 'PyPI', 'Go', 'Maven', 'Alpine/derived-osv', 'Debian/derived-osv']) {
    for (const f of readdirSync(join(VULNDB_DIR, dir)).filter((x) => x.endsWith('.json'))) {
      const r = parseOsv(readFileSync(join(VULNDB_DIR, dir, f), 'utf8'))
      assert.ok(r.ok, `${dir}/${f}: ${r.ok ? '' : r.reason}`)
    }
  }
})

const base = { id: 'GHSA-aaaa-bbbb-cccc', modified: '2024-01-01T00:00:00Z' }

test('malformed records are rejected with a reason, never thrown', () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /not a JSON object/],
    [[1, 2], /not a JSON object/],
    [{ modified: base.modified }, /id is missing/],
    [{ ...base, id: '../../etc/passwd' }, /id is missing or malformed/],
    [{ id: base.id }, /modified is required/],
    [{ ...base, modified: 'yesterday' }, /modified is not an RFC 3339/],
    [{ ...base, aliases: 'CVE-1' }, /aliases must be an array of strings/],
    [{ ...base, affected: {} }, /affected must be an array/],
    [{ ...base, affected: [{ package: { ecosystem: 'npm' } }] }, /package\.name must be a string/],
    [{ ...base, affected: [{ ranges: [{ type: 'RANGE', events: [{ introduced: '0' }] }] }] }, /is not SEMVER, ECOSYSTEM or GIT/],
    [{ ...base, affected: [{ ranges: [{ type: 'ECOSYSTEM', events: [] }] }] }, /non-empty array/],
    [{ ...base, affected: [{ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0', fixed: '1' }] }] }] }, /exactly one of/],
    [{ ...base, affected: [{ ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '1' }] }] }] }, /no introduced event/],
    [{ ...base, affected: [{ ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: 0 }] }] }] }, /must be a string/],
    [{ ...base, severity: [{ type: 'CVSS_V3' }] }, /severity\[0\]\.score must be a string/],
  ]
  for (const [value, reason] of cases) {
    const r = validateOsv(value)
    assert.equal(r.ok, false, JSON.stringify(value))
    if (!r.ok) assert.match(r.reason, reason)
  }
  const bad = parseOsv('{"id": ')
  assert.equal(bad.ok, false)
  if (!bad.ok) assert.match(bad.reason, /invalid JSON/)
  const withId = validateOsv({ id: base.id })
  assert.equal(withId.ok ? undefined : withId.id, base.id)
})

test('a minimal valid record and a withdrawn one parse', () => {
  assert.ok(validateOsv(base).ok)
  const w = validateOsv({ ...base, withdrawn: '2024-02-01T00:00:00.123Z' })
  assert.ok(w.ok && w.record.withdrawn === '2024-02-01T00:00:00.123Z')
})
