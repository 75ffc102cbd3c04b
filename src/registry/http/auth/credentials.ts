/**
 * Reading credentials from a request: `Authorization: Basic …` / `Bearer …`, the client
 * address, and the rule that Basic credentials (reusable secrets) are refused over plain HTTP
 * unless the client is on loopback or the operator allowed it (auth.allowInsecureBasic).
 */
import type { FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import { decodeBase64 } from '../../auth/strict-base64.ts'

export type PresentedCredentials =
  | { readonly scheme: 'basic'; readonly username: string; readonly secret: string }
  | { readonly scheme: 'bearer'; readonly token: string }
  | undefined

const MAX_HEADER = 16 * 1024
// Credentials have one spelling: strict base64 (no junk, canonical) and valid UTF-8.
const UTF8 = new TextDecoder('utf-8', { fatal: true })

function decodeBasic(value: string): string | undefined {
  const bytes = decodeBase64(value)
  if (bytes === undefined) return undefined
  try {
    return UTF8.decode(bytes)
  } catch {
    return undefined
  }
}

export function readAuthorization(request: FastifyRequest): PresentedCredentials {
  const header = request.headers.authorization
  if (header === undefined || header === '') return undefined
  if (header.length > MAX_HEADER) throw new RegistryError('UNAUTHORIZED', 'authorization header too large')
  const space = header.indexOf(' ')
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase()
  const value = space < 0 ? '' : header.slice(space + 1).trim()
  if (scheme === 'bearer' && value !== '') return { scheme: 'bearer', token: value }
  if (scheme === 'basic') {
    const decoded = decodeBasic(value) ?? ''
    const colon = decoded.indexOf(':')
    if (colon > 0) return { scheme: 'basic', username: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
  }
  throw new RegistryError('UNAUTHORIZED', 'malformed authorization header')
}

export function clientAddress(request: FastifyRequest): string {
  return request.ip
}

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')
}

/** Throws UNAUTHORIZED when Basic credentials arrive over plain HTTP from a remote client. */
export function assertBasicAllowed(request: FastifyRequest, allowInsecure: boolean): void {
  if (request.protocol === 'https' || allowInsecure || isLoopback(clientAddress(request))) return
  throw new RegistryError('UNAUTHORIZED', 'basic authentication over plain HTTP is refused; use HTTPS')
}
