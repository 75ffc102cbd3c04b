/**
 * The ECR API's front door (docs/ecr.md): `POST /` with `X-Amz-Target:
 * AmazonEC2ContainerRegistry_V20150921.<Operation>` and `Content-Type: application/x-amz-json-1.1`,
 * on Drydock's own port. In order: the operation is looked up (its body limit applies), the body is
 * read with that limit and the small-body deadline, the SigV4 signature is verified over it
 * (access keys, auth/access-keys/), an unknown operation is refused, the body is parsed as strict
 * JSON and validated against the operation's input shape, and the operation runs. Every error goes
 * through ecr-errors.ts. The door needs access control: with auth off there are no keys to sign
 * with, and every request is refused.
 */
import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isRegistryError } from '../../../oci/errors.ts'
import { parseStrictJson, StrictJsonError } from '../../../oci/strict-json.ts'
import type { AccessKeyService } from '../../auth/access-keys/access-key-service.ts'
import { SigV4Failure, type SignedRequest } from '../../auth/access-keys/sigv4-verifier.ts'
import { principalName } from '../../auth/principal.ts'
import { operationTable } from '../../ecr/builtin-operations.ts'
import type { EcrConfig } from '../../ecr/ecr-config.ts'
import { EcrError } from '../../ecr/ecr-error.ts'
import type { EcrOperation, EcrServices, RegistryIdentity } from '../../ecr/operation.ts'
import { validateInput } from '../../ecr/shape.ts'
import { readSmallBodyBytes } from '../body-deadlines.ts'
import { isClientAbort } from '../error-handler.ts'
import { clientAddress } from '../auth/credentials.ts'
import { setRequestPrincipal } from '../request-principal.ts'
import { sendEcrError } from './ecr-errors.ts'

export const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.'
const CONTENT_TYPE = 'application/x-amz-json-1.1'
/** Body limit of operations that set none (and of unknown ones, read to check their signature). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024
const HOST_RE = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/

export interface EcrDoorDeps {
  readonly config: EcrConfig
  readonly services: EcrServices
  readonly accessKeys: AccessKeyService
  readonly operations?: readonly EcrOperation[]
}

function identity(config: EcrConfig, request: FastifyRequest): RegistryIdentity {
  const host = HOST_RE.test(request.host) ? request.host : 'localhost'
  const publicUrl = config.publicUrl ?? `${request.protocol}://${host}`
  return { accountId: config.accountId, region: config.region, publicUrl, host: new URL(publicUrl).host }
}

function signedRequest(request: FastifyRequest, body: Buffer): SignedRequest {
  const url = new URL(request.raw.url ?? '/', 'http://x')
  const query: Record<string, string | string[]> = {}
  for (const [k, v] of url.searchParams) {
    const seen = query[k]
    query[k] = seen === undefined ? v : [...(Array.isArray(seen) ? seen : [seen]), v]
  }
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(request.headers)) if (typeof v === 'string') headers[k] = v
  return { method: request.method, path: url.pathname, query, headers, body }
}

function parseBody(bytes: Buffer, request: FastifyRequest): unknown {
  try {
    return bytes.byteLength === 0 ? {} : parseStrictJson(bytes, request.server.jsonBodyLimits ?? {})
  } catch (err) {
    const reason = err instanceof StrictJsonError ? err.message : 'not valid JSON'
    throw new EcrError('SerializationException', `request body is not acceptable JSON: ${reason}`)
  }
}

export function registerEcrDoor(app: FastifyInstance, deps: EcrDoorDeps): void {
  const table = operationTable(deps.operations)
  app.post('/', async (request, reply) => {
    const requestId = randomUUID()
    try {
      const target = String(request.headers['x-amz-target'] ?? '')
      const op = target.startsWith(TARGET_PREFIX) ? table.get(target.slice(TARGET_PREFIX.length)) : undefined
      const limit = op?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
      const body = await readSmallBodyBytes(request, limit, () => new EcrError('SerializationException', `request body larger than ${limit} bytes`, 413))
      if (!deps.services.auth.enabled) {
        throw new EcrError('UnrecognizedClientException', 'access control is off on this registry: the ECR API needs access keys (docs/ecr.md)')
      }
      const signed = await authenticate(deps, request, body)
      setRequestPrincipal(request, principalName(signed.principal))
      if (!op) throw new EcrError('UnknownOperationException', target === '' ? 'missing X-Amz-Target' : `unknown operation ${target.slice(0, 128)}`)
      if (String(request.headers['content-type'] ?? '').split(';')[0]?.trim() !== CONTENT_TYPE) {
        throw new EcrError('SerializationException', `Content-Type must be ${CONTENT_TYPE}`)
      }
      const input = validateInput(op.input, parseBody(body, request))
      const output = await op.run({ principal: signed.principal, registry: identity(deps.config, request), services: deps.services, address: clientAddress(request) }, input)
      return reply.code(200).header('Content-Type', CONTENT_TYPE).header('X-Amzn-RequestId', requestId).header('Cache-Control', 'no-store').send(JSON.stringify(output))
    } catch (err) {
      if (isClientAbort(err, request)) throw err
      return sendEcrError(err, request, reply, requestId)
    }
  })
}

/**
 * SigV4 over the request; a refusal is audited (`login.failure`, via `ecr`) without any secret,
 * and so is a throttled request (`login.throttled`: repeated bad signatures, answered as ECR's
 * ThrottlingException by ecr-errors.ts).
 */
async function authenticate(deps: EcrDoorDeps, request: FastifyRequest, body: Buffer) {
  const address = clientAddress(request)
  try {
    return await deps.accessKeys.authenticate(signedRequest(request, body), { region: deps.config.region, service: 'ecr', maxSkewMs: deps.config.maxClockSkewMs }, address)
  } catch (err) {
    if (err instanceof SigV4Failure) {
      await deps.services.auth.audit({ actor: 'anonymous', action: 'login.failure', address, detail: { via: 'ecr', reason: err.type } })
    } else if (isRegistryError(err, 'TOOMANYREQUESTS')) {
      await deps.services.auth.audit({ actor: 'anonymous', action: 'login.throttled', address, detail: { via: 'ecr', retryAfter: err.headers['Retry-After'] } })
    }
    throw err
  }
}
