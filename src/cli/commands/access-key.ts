// `drydock access-key create|list|delete`: AWS-style access keys for the ECR API (docs/ecr.md).
// `create` prints `AWS_ACCESS_KEY_ID=…` and `AWS_SECRET_ACCESS_KEY=…` lines, so that
// `eval "$(drydock access-key create)"` sets up the AWS CLI; the secret is shown once.
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, parseExpiresIn, print } from './management-client.ts'

const USAGE = `Usage:
  drydock access-key create [--robot robot$ORG+NAME] [--expires-in DURATION]   (DURATION: 90m, 12h, 30d)
  drydock access-key list [--robot robot$ORG+NAME]
  drydock access-key delete ACCESS_KEY_ID
${CONNECTION_HELP}`

function expiresIn(raw: string | undefined): number | undefined {
  if (raw !== undefined && !/^\d+[mhd]$/.test(raw)) throw new UsageError(`invalid --expires-in '${raw}' (e.g. 90m, 12h, 30d)`)
  return parseExpiresIn(raw)
}

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { ...CONNECTION_OPTIONS, robot: { type: 'string' }, 'expires-in': { type: 'string' } }, USAGE)
  const [sub, id] = positionals
  if (sub === undefined) {
    process.stdout.write(USAGE)
    return EXIT.usage
  }
  const format = outputFormat(values.format)
  const robot = values.robot
  if (sub === 'create' && id === undefined) {
    const seconds = expiresIn(values['expires-in'])
    const body = { ...(robot === undefined ? {} : { robot }), ...(seconds === undefined ? {} : { expiresIn: seconds }) }
    const key = await call<{ accessKeyId: string; secretAccessKey: string }>(await connect(values), 'POST', '/api/v1/access-keys', body)
    // Both values are [A-Za-z0-9+/] only: safe to eval unquoted.
    process.stdout.write(`AWS_ACCESS_KEY_ID=${key.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${key.secretAccessKey}\n`)
  } else if (sub === 'list' && id === undefined) {
    print(await call(await connect(values), 'GET', `/api/v1/access-keys${robot === undefined ? '' : `?robot=${encodeURIComponent(robot)}`}`), format)
  } else if (sub === 'delete' && id) {
    await call(await connect(values), 'DELETE', `/api/v1/access-keys/${encodeURIComponent(id)}`)
  } else throw new UsageError(`bad arguments\n\n${USAGE}`)
  return EXIT.ok
}
