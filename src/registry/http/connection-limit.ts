/**
 * Caps the open connections of one client address (IPv6: one /64), counted at accept, before
 * TLS or HTTP: every connection holds a file descriptor, and one client opening hundreds (slow
 * bodies, slow headers, idle keep-alives) must not starve everyone else of them (issue #12).
 * A connection over the cap is closed at once; the client sees the connection reset and retries
 * later, while other addresses are unaffected. Loopback clients count like any other.
 */
import type { Server } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { addressGroup } from '../runtime/address-group.ts'

export function limitConnectionsPerAddress(server: Server, max: number, log: FastifyBaseLogger): void {
  if (max <= 0) return
  const open = new Map<string, number>()
  // Addresses currently being refused, so the log says so once per episode, not per connection.
  const refusing = new Set<string>()
  server.on('connection', (socket) => {
    const group = addressGroup(socket.remoteAddress ?? '')
    const count = open.get(group) ?? 0
    if (count >= max) {
      if (!refusing.has(group)) log.warn({ address: group, limit: max }, 'too many connections from one address: refusing more')
      refusing.add(group)
      socket.destroy()
      return
    }
    open.set(group, count + 1)
    socket.once('close', () => {
      const left = (open.get(group) ?? 1) - 1
      if (left > 0) open.set(group, left)
      else open.delete(group)
      refusing.delete(group)
    })
  })
}
