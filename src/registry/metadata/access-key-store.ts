/**
 * The access-key part of the metadata store contract: the AWS-style key pairs Drydock issues for
 * SigV4 (the ECR door, docs/ecr.md). SigV4 needs the secret itself to recompute a signature, so it
 * cannot be kept as a hash: it reaches the store already encrypted (auth/access-keys/secret-box.ts),
 * and the store never sees it in clear.
 *
 * As in store.ts: methods reject only on storage failure; "not found" is undefined or false.
 */

export interface AccessKeyRecord {
  /** `DDAK` + 16 characters of [A-Z2-7]: 20 characters, the length of an AWS access key id. */
  readonly id: string
  /** The user or robot (`robot$org+name`) the key acts for. */
  readonly owner: string
  /** The secret access key, sealed by the server's key file (opaque to the store). */
  readonly sealedSecret: string
  readonly createdAt: Date
  /** Absent: the key lives until it is deleted (or its owner is). */
  readonly expiresAt?: Date
  readonly lastUsedAt?: Date
}

export interface AccessKeyRepo {
  /** false when the id is taken. */
  create(k: AccessKeyRecord): Promise<boolean>
  get(id: string): Promise<AccessKeyRecord | undefined>
  /** The keys of `owner`, oldest first. */
  listByOwner(owner: string): Promise<readonly AccessKeyRecord[]>
  /** false when unknown. */
  delete(id: string): Promise<boolean>
  /** Records a successful use. */
  touch(id: string, at: Date): Promise<void>
}
