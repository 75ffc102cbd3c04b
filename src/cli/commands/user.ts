// `drydock user create|list|delete|passwd`: users through the management API, or the first
// admin straight into a data dir (`user create NAME --admin --data DIR`) before the server runs.
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { promptHidden } from '../prompt-hidden.ts'
import { readStdinSecret } from '../credentials/resolve-credentials.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, print } from './management-client.ts'

const USAGE = `Usage:
  drydock user create NAME [--admin] [--new-password-stdin]
  drydock user create NAME --admin --data DIR     (bootstrap the first admin into a stopped server's data dir)
  drydock user list
  drydock user delete NAME
  drydock user passwd NAME [--new-password-stdin]

The new password is read from standard input (--new-password-stdin) or, on a terminal, prompted.
${CONNECTION_HELP}`

async function newPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) return readStdinSecret()
  const a = await promptHidden('New password: ', 'use --new-password-stdin')
  if (a !== (await promptHidden('Repeat password: ', 'use --new-password-stdin'))) throw new UsageError('the passwords do not match')
  return a
}

async function bootstrap(dataDir: string, name: string, password: string): Promise<number> {
  const { join } = await import('node:path')
  const { SqliteStore } = await import('../../registry/metadata/sqlite/sqlite-store.ts')
  const { hashPassword } = await import('../../registry/auth/password-hasher.ts')
  if (password.length < 12) throw new UsageError('password must have at least 12 characters')
  // A missing data dir is most likely a typo: creating a new, empty registry there would hide it.
  const { existsSync, statSync } = await import('node:fs')
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new UsageError(`data directory ${dataDir} does not exist (give the --data of the registry, or start it once with that --data to create it)`)
  }
  const store = new SqliteStore(join(dataDir, 'metadata.db'))
  try {
    const created = await store.auth.users.create({ name, passwordHash: await hashPassword(password), admin: true, createdAt: new Date() })
    if (!created) throw new UsageError(`user '${name}' already exists`)
    await store.auth.audit.append({ at: new Date(), actor: 'system', action: 'user.create', detail: { user: name, admin: true, via: 'cli' } })
  } finally {
    await store.close()
  }
  process.stderr.write(`created admin '${name}' in ${dataDir}\n`)
  return EXIT.ok
}

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...CONNECTION_OPTIONS, admin: { type: 'boolean' }, data: { type: 'string' }, 'new-password-stdin': { type: 'boolean' },
  }, USAGE)
  const [sub, name] = positionals
  const format = outputFormat(values.format)
  if (sub === undefined) {
    process.stdout.write(USAGE)
    return EXIT.usage
  }
  const needName = (): string => {
    if (!name) throw new UsageError(`a user name is required\n\n${USAGE}`)
    return name
  }
  if (sub === 'create' && values.data !== undefined) {
    if (!values.admin) throw new UsageError('--data only bootstraps an admin: add --admin')
    return bootstrap(values.data, needName(), await newPassword(values['new-password-stdin']))
  }
  switch (sub) {
    case 'create': {
      const user = needName()
      const password = await newPassword(values['new-password-stdin'])
      print(await call(await connect(values), 'POST', '/api/v1/users', { name: user, password, admin: values.admin === true }), format)
      return EXIT.ok
    }
    case 'list':
      print(await call(await connect(values), 'GET', '/api/v1/users'), format)
      return EXIT.ok
    case 'delete':
      await call(await connect(values), 'DELETE', `/api/v1/users/${encodeURIComponent(needName())}`)
      return EXIT.ok
    case 'passwd': {
      const user = needName()
      const password = await newPassword(values['new-password-stdin'])
      await call(await connect(values), 'PUT', `/api/v1/users/${encodeURIComponent(user)}/password`, { password })
      return EXIT.ok
    }
    default:
      throw new UsageError(`unknown subcommand '${sub}'\n\n${USAGE}`)
  }
}
