// `drydock team create|show|add-member|remove-member|grant`: teams of an organization and their
// roles (read, write, admin) on `org/*` or `org/repo`.
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, print } from './management-client.ts'

const USAGE = `Usage:
  drydock team create ORG TEAM
  drydock team show ORG TEAM
  drydock team add-member ORG TEAM USER
  drydock team remove-member ORG TEAM USER
  drydock team grant ORG TEAM TARGET read|write|admin     (TARGET: ORG/* or ORG/REPO)
${CONNECTION_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, CONNECTION_OPTIONS, USAGE)
  const [sub, org, team, arg, role] = positionals
  if (sub === undefined) {
    process.stdout.write(USAGE)
    return EXIT.usage
  }
  const format = outputFormat(values.format)
  if (!org || !team) throw new UsageError(`ORG and TEAM are required\n\n${USAGE}`)
  const c = await connect(values)
  const base = `/api/v1/orgs/${encodeURIComponent(org)}/teams`
  const teamUrl = `${base}/${encodeURIComponent(team)}`
  if (sub === 'create') print(await call(c, 'POST', base, { name: team }), format)
  else if (sub === 'show') print(await call(c, 'GET', teamUrl), format)
  else if (sub === 'add-member' && arg) await call(c, 'PUT', `${teamUrl}/members/${encodeURIComponent(arg)}`)
  else if (sub === 'remove-member' && arg) await call(c, 'DELETE', `${teamUrl}/members/${encodeURIComponent(arg)}`)
  else if (sub === 'grant' && arg && role) await call(c, 'PUT', `${teamUrl}/grants`, { target: arg, role })
  else throw new UsageError(`bad arguments\n\n${USAGE}`)
  return EXIT.ok
}
