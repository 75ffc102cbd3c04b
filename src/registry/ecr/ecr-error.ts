/**
 * An error of the ECR door, named as AWS names it (`__type` of the AWS JSON 1.1 protocol). Client
 * errors answer 400 and faults 500, as the protocol has it, except the authentication errors,
 * which AWS answers 403. Operations throw these (or domain errors, which http/ecr/ecr-errors.ts
 * maps in one place); they never build the wire body themselves.
 */
const STATUS: Readonly<Record<string, number>> = {
  MissingAuthenticationTokenException: 403,
  IncompleteSignatureException: 400,
  InvalidSignatureException: 403,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
  AccessDeniedException: 403,
  ServerException: 500,
}

export class EcrError extends Error {
  readonly type: string
  readonly status: number
  /** Members the model gives this exception besides `message` (InvalidLayerPartException's lastValidByteReceived). */
  readonly members: Readonly<Record<string, unknown>>

  constructor(type: string, message: string, status?: number, members: Readonly<Record<string, unknown>> = {}) {
    super(message)
    this.type = type
    this.status = status ?? STATUS[type] ?? 400
    this.members = members
    this.name = 'EcrError'
  }
}
