// Reads a small request body (forms, JSON for the management API) with a hard size limit;
// bodies are never parsed by Fastify in this app (app.ts), so handlers read request.raw. This is
// the one JSON body parser: it applies the strict rules (oci/strict-json.ts: nesting bound checked
// in a linear pass before JSON.parse, no duplicate keys, no BOM), so no JSON body can stall the
// event loop or mean two things.
import type { FastifyRequest } from 'fastify'
import { RegistryError } from '../../../oci/errors.ts'
import { readSmallBodyBytes } from '../body-deadlines.ts'
import { parseStrictJson, StrictJsonError, type JsonLimits } from '../../../oci/strict-json.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Bounds for JSON request bodies; app.ts sets them from `limits.maxJsonDepth` and `maxJsonValues`. */
    jsonBodyLimits?: JsonLimits
  }
}

/** Bounded in size and, through the small-body deadline (body-deadlines.ts), in time. */
function readSmallBytes(request: FastifyRequest, limit: number): Promise<Buffer> {
  // No `Connection: close`, as for manifests (oci/request-body.ts): the client must read the 413.
  const tooLarge = () => new RegistryError('SIZE_INVALID', `request body larger than ${limit} bytes`, { status: 413 })
  return readSmallBodyBytes(request, limit, tooLarge)
}

export async function readSmallBody(request: FastifyRequest, limit = 64 * 1024): Promise<string> {
  return (await readSmallBytes(request, limit)).toString('utf8')
}

export async function readJsonObject(request: FastifyRequest): Promise<Record<string, unknown>> {
  const bytes = await readSmallBytes(request, 64 * 1024)
  let v: unknown
  try {
    v = bytes.byteLength === 0 ? {} : parseStrictJson(bytes, request.server.jsonBodyLimits ?? {})
  } catch (err) {
    const reason = err instanceof StrictJsonError ? err.message : 'not valid JSON'
    throw new RegistryError('UNSUPPORTED', `request body is not acceptable JSON: ${reason}`, { status: 400, detail: { reason } })
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RegistryError('UNSUPPORTED', 'request body must be a JSON object', { status: 400 })
  return v as Record<string, unknown>
}
