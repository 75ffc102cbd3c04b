// `drydock login-password`: prints a password valid for 12 hours (server setting) for
//   drydock login-password | docker login --username USER --password-stdin REGISTRY
// like `aws ecr get-login-password`. Only the password goes to stdout.
import { parseCommandArgs } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS } from './management-client.ts'

const USAGE = `Usage: drydock login-password
Prints a short-lived registry password for your user on standard output.
${CONNECTION_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, CONNECTION_OPTIONS, USAGE)
  const res = await call<{ password: string; expiresAt: string }>(await connect(values), 'POST', '/api/v1/login-password')
  process.stdout.write(`${res.password}\n`)
  process.stderr.write(`valid until ${res.expiresAt}\n`)
  return EXIT.ok
}
