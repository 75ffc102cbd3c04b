// `drydock logout HOST`: forgets what `drydock login HOST` stored (Drydock's file, and docker's
// credential helper when docker's config names one for HOST, as `docker logout` does).
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { dockerConfigPath, helperFor, readAuthFile } from '../credentials/auth-files.ts'
import { fileErase } from '../credentials/credential-file.ts'
import { helperErase } from '../credentials/credential-helper.ts'
import { parseHostArg } from './login.ts'

const USAGE = `Usage: drydock logout HOST

Removes the credentials 'drydock login HOST' stored.
`

export async function run(argv: readonly string[]): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {}, USAGE)
  if (positionals.length !== 1) throw new UsageError(`expected exactly one HOST\n\n${USAGE}`)
  const { host } = parseHostArg(positionals[0], USAGE)
  let removed = await fileErase(host, process.env)
  const docker = await readAuthFile(dockerConfigPath(process.env))
  const helper = docker ? helperFor(docker, host) : undefined
  if (helper) removed = (await helperErase(helper, host)) || removed
  process.stderr.write(removed ? `Removed the credentials for ${host}\n` : `No stored credentials for ${host}\n`)
  return EXIT.ok
}
