/**
 * The SSRF guard of webhook deliveries (docs/events.md "Destinations"). A webhook URL is chosen
 * by a namespace admin, not a server admin, so the registry must not become a way into its own
 * network: every address a delivery would connect to is checked, after DNS resolution, and the
 * connection goes to exactly the address that was checked (no second lookup an attacker's DNS
 * could answer differently). Redirects are never followed.
 *
 * Refused unless `webhooks.allowedDestinations` opens them: loopback, private (RFC 1918, ULA),
 * link-local (cloud metadata at 169.254.169.254), CGNAT, "this network", multicast, reserved and
 * documentation ranges, and IPv4-mapped or NAT64 forms of those. An allowed entry is a host name
 * (or `*.suffix`) matched against the URL's host, or an address or CIDR block matched against
 * the resolved address. Public addresses are always allowed.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

const BLOCKED_V4 = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const
const BLOCKED_V6 = [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32], ['2002::', 16],
  ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const

const blocked = new BlockList()
for (const [net, bits] of BLOCKED_V4) blocked.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of BLOCKED_V6) blocked.addSubnet(net, bits, 'ipv6')

/** A destination the guard refused; the message names the host and why, never the URL's query or credentials. */
export class DestinationRefusedError extends Error {
  readonly code = 'DRYDOCK_WEBHOOK_DESTINATION'
}

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it is (BlockList also maps the hex form `::ffff:a00:1`). */
function normalise(address: string): { address: string; family: 4 | 6 } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped?.[1] !== undefined) return { address: mapped[1], family: 4 }
  return { address, family: isIP(address) === 4 ? 4 : 6 }
}

export type Resolver = (host: string) => Promise<readonly { address: string; family: number }[]>

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true })

export class DestinationGuard {
  readonly #hosts: readonly string[]
  readonly #allowed = new BlockList()
  readonly #resolve: Resolver

  constructor(allowedDestinations: readonly string[], resolve: Resolver = systemResolver) {
    const hosts: string[] = []
    for (const entry of allowedDestinations) {
      const [addr = '', bits] = entry.split('/')
      const family = isIP(addr)
      if (family === 0) hosts.push(entry)
      else if (bits !== undefined) this.#allowed.addSubnet(addr, Number(bits), family === 4 ? 'ipv4' : 'ipv6')
      else this.#allowed.addAddress(addr, family === 4 ? 'ipv4' : 'ipv6')
    }
    this.#hosts = hosts
    this.#resolve = resolve
  }

  #hostAllowed(host: string): boolean {
    return this.#hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h))
  }

  /** Is this (resolved) address one a delivery may connect to, for a URL naming `host`? */
  addressAllowed(host: string, address: string): boolean {
    const a = normalise(address)
    const type = a.family === 4 ? 'ipv4' : 'ipv6'
    if (!blocked.check(a.address, type)) return true
    return this.#hostAllowed(host) || this.#allowed.check(a.address, type)
  }

  /**
   * The address to connect to for `host` (a name or a literal address): the first resolved
   * address the rules allow. Throws DestinationRefusedError when none is.
   */
  async resolve(host: string): Promise<{ address: string; family: 4 | 6 }> {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
    const lower = bare.toLowerCase()
    const found = isIP(lower) !== 0 ? [{ address: lower, family: isIP(lower) }] : await this.#resolve(lower).catch((err: unknown) => {
      throw new DestinationRefusedError(`cannot resolve ${lower}: ${(err as NodeJS.ErrnoException).code ?? 'lookup failed'}`)
    })
    for (const f of found) {
      if (this.addressAllowed(lower, f.address)) return { address: f.address, family: f.family === 4 ? 4 : 6 }
    }
    throw new DestinationRefusedError(`destination ${lower} is a private, loopback or reserved address; add it to webhooks.allowedDestinations to allow it`)
  }
}
