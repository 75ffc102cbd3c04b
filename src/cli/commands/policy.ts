// `drydock policy list|get|set|delete|exempt|exemptions|revoke|check`: deploy policies and
// break-glass exemptions through the management API (docs/policies.md "Managing policies").
// `check` lives in policy-check.ts and is loaded only when asked for.
import { readFile } from 'node:fs/promises'
import { isDigest } from '../../oci/digest.ts'
import { isRepositoryName, isTag } from '../../oci/reference.ts'
import { parseStrictJson, StrictJsonError } from '../../oci/strict-json.ts'
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, print } from './management-client.ts'

const USAGE = `Usage:
  drydock policy list                      the policies you may manage (stored, and the config file's)
  drydock policy get NAME                  one policy, as written
  drydock policy set FILE                  store the policy in FILE (JSON, docs/policies.md "Grammar");
                                           creates it, or replaces the policy of that name
  drydock policy delete NAME               delete a stored policy (config file policies cannot be
                                           deleted: store one for the same scope to replace it)
  drydock policy exempt IMAGE --reason TEXT --for DURATION
                                           let IMAGE (REPOSITORY@DIGEST, or REPOSITORY:TAG, resolved
                                           to its digest now) be pulled although it fails its policy,
                                           for DURATION (e.g. 30m, 4h; at most the server's
                                           policy.maxExemption, 24h by default)
  drydock policy exemptions REPOSITORY     the exemptions of a repository (active, expired, revoked)
  drydock policy revoke REPOSITORY ID      end an exemption now
  drydock policy check IMAGE               may you pull IMAGE now? (drydock policy check --help)

Changing a policy or an exemption needs admin on its namespace (a policy of scope '*': a
server admin). Every change is in the audit log.

Exit codes: 0 done, 2 bad arguments or refused input, 3 registry unreachable,
4 credentials refused or not allowed

${CONNECTION_HELP}`

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  reason: { type: 'string' },
  for: { type: 'string' },
} as const

const SUBCOMMANDS: Readonly<Record<string, number>> = { list: 0, get: 1, set: 1, delete: 1, exempt: 1, exemptions: 1, revoke: 2 }
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

function repository(raw: string): string {
  // Checked here too: fetch would resolve a `..` segment into another API path.
  if (!isRepositoryName(raw)) throw new UsageError(`invalid repository name '${raw.slice(0, 256)}'`)
  return raw
}

function policyName(raw: string): string {
  if (!NAME.test(raw)) throw new UsageError(`invalid policy name '${raw.slice(0, 80)}' (1 to 64 characters of a-z, 0-9, ., _, -)`)
  return raw
}

/** `REPOSITORY@DIGEST` or `REPOSITORY:TAG` → the API's {name} and {ref}. */
function imageOf(raw: string): { readonly repo: string; readonly ref: string } {
  const at = raw.indexOf('@')
  if (at >= 0) {
    const ref = raw.slice(at + 1)
    if (!isDigest(ref)) throw new UsageError(`invalid digest in '${raw.slice(0, 256)}' (expected REPOSITORY@sha256:<64 hex>)`)
    return { repo: repository(raw.slice(0, at)), ref }
  }
  const colon = raw.lastIndexOf(':')
  if (colon < 0 || raw.indexOf('/', colon) >= 0) throw new UsageError(`IMAGE must be REPOSITORY@DIGEST or REPOSITORY:TAG (got '${raw.slice(0, 256)}')`)
  const ref = raw.slice(colon + 1)
  if (!isTag(ref)) throw new UsageError(`invalid tag in '${raw.slice(0, 256)}'`)
  return { repo: repository(raw.slice(0, colon)), ref }
}

/** The policy document in FILE; read strictly (a duplicate key must not mean two things). */
async function policyFile(path: string): Promise<{ readonly name: string; readonly doc: unknown }> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`)
  }
  let doc: unknown
  try {
    doc = parseStrictJson(text, { maxDepth: 8 })
  } catch (err) {
    throw new UsageError(`${path}: not a valid policy document: ${err instanceof StrictJsonError ? err.message : 'not JSON'}`)
  }
  const name = (doc as { name?: unknown } | null)?.name
  if (typeof name !== 'string') throw new UsageError(`${path}: the policy needs a "name" (docs/policies.md "Grammar")`)
  return { name: policyName(name), doc }
}

interface PolicyView {
  readonly policy: unknown
  readonly [key: string]: unknown
}

function showPolicy(view: PolicyView, format: string): void {
  if (format === 'json') return print(view, format)
  const { policy, ...rest } = view
  print(rest, format)
  process.stdout.write(`\n${JSON.stringify(policy, null, 2)}\n`)
}

export async function run(argv: readonly string[]): Promise<number> {
  // `check` has its own options and help: hand it everything after the word.
  if (argv[0] === 'check') return (await import('./policy-check.ts')).run(argv.slice(1))
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, USAGE)
  const [sub, ...args] = positionals
  if (sub === undefined) {
    process.stdout.write(USAGE)
    return EXIT.usage
  }
  const arity = SUBCOMMANDS[sub]
  if (arity === undefined || args.length !== arity) throw new UsageError(`bad arguments\n\n${USAGE}`)
  if (sub !== 'exempt' && (values.reason !== undefined || values.for !== undefined)) throw new UsageError(`--reason and --for are for 'policy exempt'\n\n${USAGE}`)
  const format = outputFormat(values.format)
  const [first = '', second = ''] = args
  // Arguments are checked before any credential is looked up.
  const request = ((): { method: string; path: string; body?: () => Promise<unknown> } => {
    switch (sub) {
      case 'list':
        return { method: 'GET', path: '/api/v1/policies' }
      case 'get':
        return { method: 'GET', path: `/api/v1/policies/${policyName(first)}` }
      case 'delete':
        return { method: 'DELETE', path: `/api/v1/policies/${policyName(first)}` }
      case 'exemptions':
        return { method: 'GET', path: `/api/v1/repositories/${repository(first)}/exemptions` }
      case 'revoke':
        return { method: 'DELETE', path: `/api/v1/repositories/${repository(first)}/exemptions/${encodeURIComponent(second)}` }
      case 'exempt': {
        const { repo, ref } = imageOf(first)
        if (values.reason === undefined || values.reason.trim() === '') throw new UsageError('--reason is required: why this image may be deployed although it fails its policy')
        if (values.for === undefined) throw new UsageError('--for is required: how long the exemption lasts (e.g. 4h)')
        const body = { reason: values.reason, expiresIn: values.for }
        return { method: 'POST', path: `/api/v1/repositories/${repo}/images/${ref}/exemptions`, body: async () => body }
      }
      default: // set: the path names the policy in the file, read below
        return { method: 'PUT', path: '' }
    }
  })()
  let path = request.path
  let body: unknown
  if (sub === 'set') {
    const { name, doc } = await policyFile(first)
    path = `/api/v1/policies/${name}`
    body = doc
  } else if (request.body) body = await request.body()
  const c = await connect(values)
  const answer = await call<Record<string, unknown>>(c, request.method, path, body)
  if (sub === 'get' || sub === 'set') showPolicy(answer as PolicyView, format)
  else if (sub === 'delete') process.stdout.write(`deleted policy ${first}\n`)
  else print(answer, format)
  return EXIT.ok
}
