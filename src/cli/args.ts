/**
 * Command-line parsing shared by the commands: node:util parseArgs in strict mode, with every
 * parse failure turned into a UsageError (exit code 2) carrying the command's usage text.
 * `--help` / `-h` is accepted by every command and handled here: it throws HelpRequested, which
 * main.ts answers by printing the usage text to stdout with exit code 0.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { HelpRequested, UsageError } from './exit-codes.ts'

type Options = NonNullable<ParseArgsConfig['options']>

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const

export function parseCommandArgs<O extends Options>(argv: readonly string[], options: O, usage: string) {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, ...HELP_OPTION }, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`)
  }
  if ((parsed.values as { help?: unknown }).help === true) throw new HelpRequested(usage)
  return parsed
}

/** Splits `--severity HIGH,CRITICAL` style lists. */
export function splitList(raw: string | undefined): string[] {
  return raw === undefined ? [] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
}
