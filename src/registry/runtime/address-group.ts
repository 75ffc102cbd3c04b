/**
 * The unit a per-client limit counts by: an IPv4 address (also when it arrives IPv4-mapped,
 * `::ffff:192.0.2.1`), or an IPv6 /64. Anyone with IPv6 usually holds a whole /64 and can pick a
 * fresh address in it for every request, so counting single IPv6 addresses would limit nothing.
 */
import { isIPv6 } from 'node:net'

export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  if (mapped?.[1]) return mapped[1]
  const bare = address.replace(/%.*$/, '')
  if (!isIPv6(bare)) return address
  return `${firstFourGroups(bare).join(':')}::/64`
}

/** The first 64 bits of an IPv6 address as four lowercase hex groups without leading zeros. */
function firstFourGroups(address: string): string[] {
  const groupsIn = (part: string): string[] => (part === '' ? [] : part.split(':'))
  // A dotted IPv4 tail takes two groups' room.
  const width = (groups: readonly string[]) => groups.reduce((n, g) => n + (g.includes('.') ? 2 : 1), 0)
  const gap = address.indexOf('::')
  const head = groupsIn(gap < 0 ? address : address.slice(0, gap))
  const tail = gap < 0 ? [] : groupsIn(address.slice(gap + 2))
  const all = gap < 0 ? head : [...head, ...Array<string>(8 - width(head) - width(tail)).fill('0'), ...tail]
  return all.slice(0, 4).map((g) => (g.includes('.') ? '0' : Number.parseInt(g, 16).toString(16)))
}
