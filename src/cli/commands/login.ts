// `drydock login HOST`: checks a user name and password (or access token) against the registry's
// token endpoint, then stores them for every later command (README "Credentials"): through
// docker's credential helper when docker's config names one for HOST, else in Drydock's own
// 0600 file. The password comes from standard input (--password-stdin) or a hidden prompt.
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { dockerConfigPath, helperFor, readAuthFile } from '../credentials/auth-files.ts'
import { credentialFilePath, fileStore } from '../credentials/credential-file.ts'
import { helperStore } from '../credentials/credential-helper.ts'
import { readStdinSecret } from '../credentials/resolve-credentials.ts'
import { verifyLogin } from '../credentials/verify-login.ts'
import { promptHidden } from '../prompt-hidden.ts'

const USAGE = `Usage: drydock login HOST --username NAME [--password-stdin] [--insecure]

HOST is host[:port] or a URL (http:// only for plain-http registries). The credentials are
checked against the registry before they are stored: through docker's credential helper when
docker's config.json names one for HOST (credHelpers or credsStore), else in
$XDG_CONFIG_HOME/drydock/credentials.json (~/.config/drydock; file 0600, directory 0700).
Prefer a personal access token (drydock token create) to your password.

Options:
  --username NAME    your user name (or DRYDOCK_USERNAME)
  --password-stdin   read the password or token from standard input (else a hidden prompt)
  --insecure         allow plain http to a non-loopback registry
`

/** `host[:port]` or `http(s)://host[:port]` → the host and the scheme the user insisted on. */
export function parseHostArg(raw: string | undefined, usage: string): { host: string; scheme: 'https' | 'http' | undefined } {
  if (raw === undefined || raw === '') throw new UsageError(`HOST is required\n\n${usage}`)
  if (/^https?:\/\//i.test(raw)) {
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new UsageError(`invalid registry address '${raw.slice(0, 200)}'`)
    }
    return { host: url.host.toLowerCase(), scheme: url.protocol === 'http:' ? 'http' : 'https' }
  }
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(raw)) throw new UsageError(`invalid registry host '${raw.slice(0, 200)}' (expected host[:port])`)
  return { host: raw.toLowerCase(), scheme: undefined }
}

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    username: { type: 'string' }, 'password-stdin': { type: 'boolean' }, insecure: { type: 'boolean' },
  }, USAGE)
  if (positionals.length !== 1) throw new UsageError(`expected exactly one HOST\n\n${USAGE}`)
  const { host, scheme } = parseHostArg(positionals[0], USAGE)
  const username = values.username ?? process.env['DRYDOCK_USERNAME']
  if (!username) throw new UsageError(`--username (or DRYDOCK_USERNAME) is required\n\n${USAGE}`)
  const password = values['password-stdin'] ? await readStdinSecret() : await promptHidden('Password: ', 'use --password-stdin')
  if (password === '') throw new UsageError('the password is empty')
  const outcome = await verifyLogin(host, scheme, values.insecure === true, { username, password })
  const docker = await readAuthFile(dockerConfigPath(process.env))
  const helper = docker ? helperFor(docker, host) : undefined
  if (helper) await helperStore(helper, host, { username, password })
  else await fileStore(host, { username, password }, process.env)
  const where = helper ? `docker-credential-${helper}` : credentialFilePath(process.env)
  if (outcome === 'open') process.stderr.write(`note: ${host} does not ask for credentials; stored them anyway\n`)
  process.stderr.write(`Login succeeded for ${username} at ${host} (stored in ${where})\n`)
  return EXIT.ok
}
