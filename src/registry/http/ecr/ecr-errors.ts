/**
 * THE place where errors of the ECR door become wire answers, in the AWS JSON 1.1 protocol:
 * `{"__type": "<Name>", "message": "…"}` with the name also in `X-Amzn-ErrorType` (what botocore
 * and the JS SDK read), status 400 for client errors and 500 for faults. Domain errors
 * (RegistryError) are mapped here to ECR's names; a client that went away is left to the app's
 * error handler; anything else is a ServerException, logged once, with no internals in the answer.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { isRegistryError, type RegistryError } from '../../../oci/errors.ts'
import { SigV4Failure } from '../../auth/access-keys/sigv4-verifier.ts'
import { EcrError } from '../../ecr/ecr-error.ts'

function fromRegistryError(err: RegistryError): EcrError {
  if (err.status === 408) return new EcrError('RequestTimeoutException', err.message, 408)
  if (err.status === 413) return new EcrError('SerializationException', err.message, 413)
  switch (err.code) {
    case 'NAME_UNKNOWN':
      return new EcrError('RepositoryNotFoundException', err.message)
    case 'MANIFEST_UNKNOWN':
      return new EcrError('ImageNotFoundException', err.message)
    case 'UNAUTHORIZED':
      return new EcrError('UnrecognizedClientException', err.message)
    case 'DENIED':
      return new EcrError(err.status === 409 ? 'InvalidParameterException' : 'AccessDeniedException', err.message)
    case 'TOOMANYREQUESTS':
      return new EcrError('ThrottlingException', err.message)
    case 'UNKNOWN':
    case 'UNAVAILABLE':
      return new EcrError('ServerException', 'internal error', 500)
    default:
      return err.status >= 500 ? new EcrError('ServerException', 'internal error', 500) : new EcrError('InvalidParameterException', err.message)
  }
}

/** The EcrError `err` is answered as; `bug` when it was not an expected condition. */
export function toEcrError(err: unknown): { readonly error: EcrError; readonly bug: boolean } {
  if (err instanceof EcrError) return { error: err, bug: false }
  if (err instanceof SigV4Failure) return { error: new EcrError(err.type, err.message), bug: false }
  if (isRegistryError(err)) return { error: fromRegistryError(err), bug: err.status >= 500 }
  return { error: new EcrError('ServerException', 'internal error', 500), bug: true }
}

export function sendEcrError(err: unknown, request: FastifyRequest, reply: FastifyReply, requestId: string): FastifyReply {
  const { error, bug } = toEcrError(err)
  if (bug) request.log.error({ err }, 'unhandled error in the ECR API')
  else request.log.debug({ type: error.type, status: error.status }, 'ECR API refusal')
  return reply
    .code(error.status)
    .header('Content-Type', 'application/x-amz-json-1.1')
    .header('X-Amzn-ErrorType', error.type)
    .header('X-Amzn-RequestId', requestId)
    .header('Cache-Control', 'no-store')
    .send(JSON.stringify({ ...error.members, __type: error.type, message: error.message }))
}
