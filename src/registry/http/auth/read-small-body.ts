// Reads a small request body (forms, JSON for the management API) with a hard size limit;
// bodies are never parsed by Fastify in this app (app.ts), so handlers read request.raw.
import type { FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'

export async function readSmallBody(request: FastifyRequest, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request.raw as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new RegistryError('SIZE_INVALID', `request body larger than ${limit} bytes`, { status: 413 })
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export async function readJsonObject(request: FastifyRequest): Promise<Record<string, unknown>> {
  const text = await readSmallBody(request)
  let v: unknown
  try {
    v = text === '' ? {} : JSON.parse(text)
  } catch {
    throw new RegistryError('UNSUPPORTED', 'request body is not valid JSON', { status: 400 })
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RegistryError('UNSUPPORTED', 'request body must be a JSON object', { status: 400 })
  return v as Record<string, unknown>
}
