// `drydock repo create|settings|set|preview` (and expire|expired|restore, repo-lifecycle.ts): repositories created before their first push, their
// settings (scan on push, tag mutability with exclusion filters, lifecycle policy), and what the
// lifecycle policy would expire now, through the management API (docs/api.md "Repository
// settings", "Lifecycle policy preview").
import { readFile } from 'node:fs/promises'
import { isRepositoryName } from '../../oci/reference.ts'
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, print, type Connection } from './management-client.ts'
import { LIFECYCLE_SUBCOMMANDS, LIFECYCLE_USAGE, run as runLifecycle } from './repo-lifecycle.ts'

const MUTABILITIES = ['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION']

const USAGE = `Usage:
  drydock repo create REPOSITORY [SETTINGS]   an empty repository with its settings, before the first push
  drydock repo settings REPOSITORY            its own settings and the effective ones (own, else the server's defaults)
  drydock repo set REPOSITORY SETTINGS        changes the settings given, keeps the others
  drydock repo preview REPOSITORY             what its lifecycle policy would expire now, and the rule
                                              that takes each image (a dry run: nothing is deleted)
${LIFECYCLE_USAGE}
Settings ('default' unsets one, so the server's default applies):
  --scan-on-push true|false|default
  --mutability MUTABLE|IMMUTABLE|IMMUTABLE_WITH_EXCLUSION|MUTABLE_WITH_EXCLUSION|default
  --exclude PATTERN          a tag wildcard ('*' matches anything) excluded from the mutability
                             setting; repeat up to 5 times (with the *_WITH_EXCLUSION values)
  --lifecycle-policy FILE    an ECR lifecycle policy (JSON), or 'default' to remove it
${CONNECTION_HELP}`

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  'scan-on-push': { type: 'string' },
  mutability: { type: 'string' },
  exclude: { type: 'string', multiple: true },
  'lifecycle-policy': { type: 'string' },
} as const

type Settings = Record<string, unknown>
interface Values {
  readonly 'scan-on-push'?: string | undefined
  readonly mutability?: string | undefined
  readonly exclude?: string[] | undefined
  readonly 'lifecycle-policy'?: string | undefined
}

interface SettingsView {
  readonly repositoryName: string
  readonly stored: Settings
  readonly effective: Settings
}

/** The options given, applied to `current`: set, or removed for 'default'. */
async function applyOptions(current: Settings, v: Values): Promise<Settings> {
  const next: Settings = { ...current }
  const scan = v['scan-on-push']
  if (scan !== undefined) {
    if (scan === 'default') delete next['scanOnPush']
    else if (scan === 'true' || scan === 'false') next['scanOnPush'] = scan === 'true'
    else throw new UsageError('--scan-on-push must be true, false or default')
  }
  if (v.mutability !== undefined) {
    if (v.mutability === 'default') delete next['imageTagMutability']
    else if (MUTABILITIES.includes(v.mutability)) next['imageTagMutability'] = v.mutability
    else throw new UsageError(`--mutability must be ${MUTABILITIES.join(', ')} or default`)
    // A new mode without filters of its own keeps no old ones.
    if (v.exclude === undefined) delete next['imageTagMutabilityExclusionFilters']
  }
  if (v.exclude !== undefined) next['imageTagMutabilityExclusionFilters'] = v.exclude.map((filter) => ({ filterType: 'WILDCARD', filter }))
  const policy = v['lifecycle-policy']
  if (policy === 'default') delete next['lifecyclePolicy']
  else if (policy !== undefined) {
    try {
      next['lifecyclePolicy'] = await readFile(policy, 'utf8')
    } catch (err) {
      throw new UsageError(`cannot read --lifecycle-policy ${policy}: ${(err as Error).message}`)
    }
  }
  return next
}

const path = (repo: string): string => `/api/v1/repositories/${repo}/settings`

interface PreviewImage {
  readonly digest: string
  readonly tags: readonly string[]
  readonly pushedAt: string
  /** Absent when never pulled. */
  readonly lastPulledAt?: string
  readonly rulePriority: number
  readonly description?: string
  readonly carried: readonly unknown[]
}

interface Preview {
  readonly repositoryName: string
  readonly evaluatedAt: string
  readonly expired: readonly PreviewImage[]
  readonly kept: number
}

/** Table form: one row per image the policy would expire, oldest first within a rule. */
function showPreview(p: Preview, format: string): void {
  if (format === 'json') return print(p, format)
  print({
    repositoryName: p.repositoryName, evaluatedAt: p.evaluatedAt, kept: p.kept,
    expired: p.expired.length === 0 ? '(none)' : p.expired.map((e) => ({
      digest: e.digest, tags: e.tags.join(','), pushed: e.pushedAt,
      rule: e.description === undefined ? String(e.rulePriority) : `${e.rulePriority}: ${e.description}`,
      carried: e.carried.length,
      lastPulled: e.lastPulledAt ?? 'never',
    })),
  }, format)
}

/** Table form: one row per setting, its own value and the one that applies. */
function show(view: SettingsView, format: string): void {
  if (format === 'json') return print(view, format)
  const keys = ['scanOnPush', 'imageTagMutability', 'imageTagMutabilityExclusionFilters', 'lifecyclePolicy']
  const text = (v: unknown): string => {
    if (v === undefined) return ''
    if (Array.isArray(v)) return v.map((f: { filter?: unknown }) => String(f.filter)).join(',')
    if (typeof v === 'string' && v.length > 60) return `(${v.length} characters)`
    return String(v)
  }
  print({
    repositoryName: view.repositoryName,
    settings: keys.map((k) => ({ setting: k, own: text(view.stored[k]) || '(default)', effective: text(view.effective[k]) })),
  }, format)
}

export async function run(argv: readonly string[]): Promise<number> {
  if (argv[0] !== undefined && LIFECYCLE_SUBCOMMANDS.includes(argv[0])) return runLifecycle(argv)
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, USAGE)
  const [sub, repo, extra] = positionals
  if (sub === undefined) {
    process.stdout.write(USAGE)
    return EXIT.usage
  }
  if (repo === undefined || extra !== undefined || !['create', 'settings', 'set', 'preview'].includes(sub)) throw new UsageError(`bad arguments\n\n${USAGE}`)
  // Checked here too: fetch would resolve a `..` segment into another API path.
  if (!isRepositoryName(repo)) throw new UsageError(`invalid repository name '${repo.slice(0, 256)}'`)
  const format = outputFormat(values.format)
  const given = values['scan-on-push'] !== undefined || values.mutability !== undefined || values.exclude !== undefined || values['lifecycle-policy'] !== undefined
  if ((sub === 'settings' || sub === 'preview') && given) throw new UsageError(`'repo ${sub}' only shows; use 'repo set' to change\n\n${USAGE}`)
  if (sub === 'set' && !given) throw new UsageError(`'repo set' needs at least one setting\n\n${USAGE}`)
  const c: Connection = await connect(values)
  if (sub === 'create') {
    show(await call<SettingsView>(c, 'POST', '/api/v1/repositories', { repositoryName: repo, ...(await applyOptions({}, values)) }), format)
  } else if (sub === 'preview') {
    showPreview(await call<Preview>(c, 'GET', `/api/v1/repositories/${repo}/lifecycle-policy/preview`), format)
  } else if (sub === 'settings') {
    show(await call<SettingsView>(c, 'GET', path(repo)), format)
  } else {
    const current = await call<SettingsView>(c, 'GET', path(repo))
    show(await call<SettingsView>(c, 'PUT', path(repo), await applyOptions(current.stored, values)), format)
  }
  return EXIT.ok
}
