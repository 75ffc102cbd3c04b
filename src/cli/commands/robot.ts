// `drydock robot create|list|delete`: robot accounts (`robot$org+name`) for CI and deploy
// machines. The secret is printed once, on creation.
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, parseExpiresIn, print } from './management-client.ts'

const USAGE = `Usage:
  drydock robot create ORG NAME --grant TARGET=ROLE [--grant …] [--expires 90d]
      TARGET: ORG/* or ORG/REPO; ROLE: read (pull), write (pull, push), admin (+ delete)
  drydock robot list ORG
  drydock robot delete ORG NAME
${CONNECTION_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...CONNECTION_OPTIONS, grant: { type: 'string', multiple: true }, expires: { type: 'string' },
  }, USAGE)
  const [sub, org, name] = positionals
  if (sub === undefined) {
    process.stdout.write(USAGE)
    return EXIT.usage
  }
  const format = outputFormat(values.format)
  if (!org) throw new UsageError(`ORG is required\n\n${USAGE}`)
  const base = `/api/v1/orgs/${encodeURIComponent(org)}/robots`
  if (sub === 'create' && name) {
    const grants = (values.grant ?? []).map((g) => {
      const [target, role] = g.split('=')
      if (!target || !role) throw new UsageError(`invalid --grant '${g}' (expected TARGET=ROLE)`)
      return { target, role }
    })
    if (grants.length === 0) throw new UsageError('at least one --grant is required')
    const expiresIn = parseExpiresIn(values.expires)
    print(await call(await connect(values), 'POST', base, { name, grants, ...(expiresIn ? { expiresIn } : {}) }), format)
  } else if (sub === 'list') print(await call(await connect(values), 'GET', base), format)
  else if (sub === 'delete' && name) await call(await connect(values), 'DELETE', `${base}/${encodeURIComponent(name)}`)
  else throw new UsageError(`bad arguments\n\n${USAGE}`)
  return EXIT.ok
}
