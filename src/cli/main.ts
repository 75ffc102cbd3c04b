// Entry point of the `drydock` command: parse the command name, load that command lazily
// (so `drydock scan` never loads the registry server), run it, and map errors to exit codes.
import { enableCompileCache } from 'node:module'
import { EXIT, ExitError, HelpRequested } from './exit-codes.ts'
import { commands, type CommandName } from './commands.ts'

// Commands are imported lazily below, after this: V8's compile cache (in the OS temp dir) makes
// every later start of a command cheaper in time and memory. Failure to use it is harmless.
if (process.env['DRYDOCK_NO_COMPILE_CACHE'] === undefined) enableCompileCache()

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage())
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  if (name === '--version') {
    process.stdout.write('drydock 0.1.0\n')
    return EXIT.ok
  }
  if (!Object.hasOwn(commands, name)) {
    process.stderr.write(`drydock: unknown command '${name}'\n\n${usage()}`)
    return EXIT.usage
  }
  const command = commands[name as CommandName]
  const mod = await command.load()
  return mod.run(rest)
}

function usage(): string {
  const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(12)} ${c.summary}`)
  return `Usage: drydock <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'drydock <command> --help' for a command's options.\n`
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  if (err instanceof HelpRequested) {
    process.stdout.write(err.usage)
    process.exitCode = EXIT.ok
  } else if (err instanceof ExitError) {
    process.stderr.write(`drydock: ${err.message}\n`)
    process.exitCode = err.exitCode
  } else {
    process.stderr.write(`drydock: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.stderr.write('This is a bug in Drydock; please report it with the command you ran.\n')
    process.exitCode = EXIT.internal
  }
}
