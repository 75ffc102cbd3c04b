// `drydock token create|list|revoke`: personal access tokens with scopes (pull, push, delete,
// admin), restricted to repositories or namespaces, with a mandatory expiry. Shown once.
import { parseCommandArgs, splitList } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, parseExpiresIn, print } from './management-client.ts'

const USAGE = `Usage:
  drydock token create --actions pull,push --targets ORG/*,USER/REPO --expires 30d [--description TEXT]
  drydock token list
  drydock token revoke ID
${CONNECTION_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...CONNECTION_OPTIONS, actions: { type: 'string' }, targets: { type: 'string' }, expires: { type: 'string' }, description: { type: 'string' },
  }, USAGE)
  const [sub, id] = positionals
  if (sub === undefined) {
    process.stdout.write(USAGE)
    return EXIT.usage
  }
  const format = outputFormat(values.format)
  if (sub === 'create') {
    const expiresIn = parseExpiresIn(values.expires)
    if (expiresIn === undefined) throw new UsageError('--expires is mandatory: tokens always expire')
    const body = { actions: splitList(values.actions), targets: splitList(values.targets), expiresIn, description: values.description ?? '' }
    print(await call(await connect(values), 'POST', '/api/v1/tokens', body), format)
  } else if (sub === 'list') print(await call(await connect(values), 'GET', '/api/v1/tokens'), format)
  else if (sub === 'revoke' && id) await call(await connect(values), 'DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`)
  else throw new UsageError(`bad arguments\n\n${USAGE}`)
  return EXIT.ok
}
