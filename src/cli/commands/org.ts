// `drydock org create|list|visibility`: organizations (namespaces) and public/private repositories.
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, print } from './management-client.ts'

const USAGE = `Usage:
  drydock org create NAME
  drydock org list
  drydock org visibility REPOSITORY public|private
${CONNECTION_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, CONNECTION_OPTIONS, USAGE)
  const [sub, a, b] = positionals
  if (sub === undefined) {
    process.stdout.write(USAGE)
    return EXIT.usage
  }
  const format = outputFormat(values.format)
  const c = await connect(values)
  if (sub === 'create' && a) print(await call(c, 'POST', '/api/v1/orgs', { name: a }), format)
  else if (sub === 'list') print(await call(c, 'GET', '/api/v1/orgs'), format)
  else if (sub === 'visibility' && a && (b === 'public' || b === 'private')) {
    print(await call(c, 'PUT', '/api/v1/visibility', { repository: a, public: b === 'public' }), format)
  } else throw new UsageError(`bad arguments\n\n${USAGE}`)
  return EXIT.ok
}
