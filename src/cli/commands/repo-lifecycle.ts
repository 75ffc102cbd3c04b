// `drydock repo expire|expired|restore`: run a repository's lifecycle policy now, list the images
// it expired that can still be restored, and restore one with its tags (docs/lifecycle.md
// "Running", "Restore window"). Dispatched from repo.ts; talks to the management API.
import { isDigest } from '../../oci/digest.ts'
import { isRepositoryName } from '../../oci/reference.ts'
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, print } from './management-client.ts'

export const LIFECYCLE_SUBCOMMANDS = ['expire', 'expired', 'restore']

export const LIFECYCLE_USAGE = `  drydock repo expire REPOSITORY              runs its lifecycle policy now: expired images are untagged and
                                              no longer pull, but can be restored until the restore window ends
  drydock repo expired REPOSITORY             the images its policy expired that can still be restored
  drydock repo restore REPOSITORY DIGEST [--force]
                                              brings an expired image back with its tags; a tag that now points
                                              at another image stays there unless --force moves it
`

const USAGE = `Usage:
${LIFECYCLE_USAGE}
${CONNECTION_HELP}`

const OPTIONS = { ...CONNECTION_OPTIONS, force: { type: 'boolean' } } as const

interface Image {
  readonly digest: string
  readonly tags: readonly string[]
  readonly rulePriority: number
  readonly description?: string
  readonly carried: readonly unknown[]
}

const rule = (e: Image): string => (e.description === undefined ? String(e.rulePriority) : `${e.rulePriority}: ${e.description}`)

interface RunReport {
  readonly repositoryName: string
  readonly expired: readonly Image[]
  readonly skipped: readonly { digest: string; reason: string }[]
  readonly kept: number
  readonly restoreUntil: string
  readonly deleted: readonly string[]
}

interface ExpiredList {
  readonly repositoryName: string
  readonly images: readonly (Image & { readonly expiredAt: string; readonly restoreUntil: string })[]
}

interface Restore {
  readonly repositoryName: string
  readonly digest: string
  readonly restored: readonly string[]
  readonly tags: readonly string[]
  readonly refusedTags: readonly { tag: string; digest: string; reason: string }[]
}

function showRun(r: RunReport, format: string): void {
  if (format === 'json') return print(r, format)
  print({
    repositoryName: r.repositoryName, kept: r.kept, restoreUntil: r.restoreUntil,
    expired: r.expired.length === 0 ? '(none)' : r.expired.map((e) => ({ digest: e.digest, tags: e.tags.join(','), rule: rule(e), carried: e.carried.length })),
    ...(r.skipped.length === 0 ? {} : { skipped: r.skipped }),
    ...(r.deleted.length === 0 ? {} : { deleted: r.deleted.join(',') }),
  }, format)
}

function showExpired(l: ExpiredList, format: string): void {
  if (format === 'json') return print(l, format)
  print({
    repositoryName: l.repositoryName,
    expired: l.images.length === 0 ? '(none)' : l.images.map((e) => ({
      digest: e.digest, tags: e.tags.join(','), rule: rule(e), expired: e.expiredAt, restoreUntil: e.restoreUntil, carried: e.carried.length,
    })),
  }, format)
}

function showRestore(r: Restore, format: string): void {
  if (format === 'json') return print(r, format)
  print({
    repositoryName: r.repositoryName, digest: r.digest, manifests: r.restored.length, tags: r.tags.join(',') || '(none)',
    ...(r.refusedTags.length === 0 ? {} : {
      refusedTags: r.refusedTags.map((t) => ({ tag: t.tag, pointsAt: t.digest, why: t.reason === 'immutable' ? 'immutable tag' : 'points at another image (--force moves it)' })),
    }),
  }, format)
}

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, USAGE)
  const [sub, repo, digest, extra] = positionals
  const wantsDigest = sub === 'restore'
  if (sub === undefined || !LIFECYCLE_SUBCOMMANDS.includes(sub) || repo === undefined || extra !== undefined || (digest === undefined) === wantsDigest) {
    throw new UsageError(`bad arguments\n\n${USAGE}`)
  }
  if (values.force === true && !wantsDigest) throw new UsageError(`--force is for 'repo restore' only\n\n${USAGE}`)
  // Checked here too: fetch would resolve a `..` segment into another API path.
  if (!isRepositoryName(repo)) throw new UsageError(`invalid repository name '${repo.slice(0, 256)}'`)
  if (digest !== undefined && !isDigest(digest)) throw new UsageError(`invalid digest '${digest.slice(0, 256)}' (sha256:<64 hex>)`)
  const format = outputFormat(values.format)
  const c = await connect(values)
  const base = `/api/v1/repositories/${repo}`
  if (sub === 'expire') showRun(await call<RunReport>(c, 'POST', `${base}/lifecycle-policy/run`), format)
  else if (sub === 'expired') showExpired(await call<ExpiredList>(c, 'GET', `${base}/expired-images?n=1000`), format)
  else showRestore(await call<Restore>(c, 'POST', `${base}/expired-images/${digest}/restore${values.force === true ? '?force=true' : ''}`), format)
  return EXIT.ok
}
