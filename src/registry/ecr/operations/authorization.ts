/**
 * GetAuthorizationToken: `base64("AWS:<password>")` for `docker login --username AWS`. The
 * password is a Drydock login password (`ddl_…`, kind `login`) of the key's owner: pull, push
 * and delete on `*`, cut by what the owner may do, valid `ecr.authorizationTokenTtl` (12 h by
 * default), listed and revocable like any token. The /token endpoint accepts it with the user name
 * `AWS` (auth/authenticator.ts), since ECR's clients always send that name.
 */
import { principalName } from '../../auth/principal.ts'
import { generateCredential } from '../../auth/secret-credential.ts'
import { EcrError } from '../ecr-error.ts'
import type { EcrOperation } from '../operation.ts'
import { checkRegistryId, epochSeconds, REGISTRY_ID } from './common-shapes.ts'

const getAuthorizationToken: EcrOperation = {
  name: 'GetAuthorizationToken',
  input: {
    type: 'structure',
    members: { registryIds: { type: 'list', member: REGISTRY_ID, min: 1, max: 10 } },
  },
  async run(ctx, input) {
    for (const id of (input['registryIds'] as string[] | undefined) ?? []) checkRegistryId(ctx.registry, id)
    if (ctx.principal.kind === 'anonymous') throw new EcrError('AccessDeniedException', 'anonymous callers get no authorization token')
    const { auth, authorizationTokenTtlMs } = ctx.services
    const owner = principalName(ctx.principal)
    const expiresAt = new Date(auth.now().getTime() + authorizationTokenTtlMs)
    const cred = generateCredential('login')
    await auth.repos.tokens.create({
      id: cred.id, owner, kind: 'login', description: 'ecr-authorization-token', secretHash: cred.secretHash,
      actions: ['pull', 'push', 'delete'], targets: ['*'], createdAt: auth.now(), expiresAt,
    })
    await auth.audit({ actor: owner, action: 'token.create', address: ctx.address, detail: { id: cred.id, kind: 'login', via: 'ecr' } })
    return {
      authorizationData: [{
        authorizationToken: Buffer.from(`AWS:${cred.value}`).toString('base64'),
        expiresAt: epochSeconds(expiresAt),
        proxyEndpoint: ctx.registry.publicUrl,
      }],
    }
  },
}

export const AUTHORIZATION_OPERATIONS: readonly EcrOperation[] = [getAuthorizationToken]
