import assert from 'node:assert/strict'
import { it } from 'node:test'
import { addressGroup } from './address-group.ts'

it('counts IPv4 by address (mapped or not) and IPv6 by /64', () => {
  assert.equal(addressGroup('192.0.2.7'), '192.0.2.7')
  assert.equal(addressGroup('::ffff:192.0.2.7'), '192.0.2.7')
  assert.equal(addressGroup('::FFFF:127.0.0.1'), '127.0.0.1')
  assert.equal(addressGroup('2001:db8:0:1:aaaa:bbbb:cccc:dddd'), '2001:db8:0:1::/64')
  assert.equal(addressGroup('2001:0db8:0000:0001::1'), '2001:db8:0:1::/64')
  assert.equal(addressGroup('2001:db8::1'), '2001:db8:0:0::/64')
  assert.equal(addressGroup('2001:db8:0:1::5%eth0'), '2001:db8:0:1::/64')
  assert.equal(addressGroup('::1'), '0:0:0:0::/64')
  assert.equal(addressGroup('::'), '0:0:0:0::/64')
  assert.equal(addressGroup('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64')
  assert.equal(addressGroup('unknown'), 'unknown')
})
