/**
 * Command-line parsing shared by the commands: node:util parseArgs in strict mode, with every
 * parse failure turned into a UsageError (exit code 2) carrying the command's usage text.
 * `--help` / `-h` is accepted by every command and handled here: it throws HelpRequested, which
 * main.ts answers by printing the usage text to stdout with exit code 0.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { closest } from '../registry/config/known-keys.ts'
import { HelpRequested, UsageError } from './exit-codes.ts'

type Options = NonNullable<ParseArgsConfig['options']>

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const

export function parseCommandArgs<O extends Options>(argv: readonly string[], options: O, usage: string) {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: { ...options, ...HELP_OPTION }, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError(`${describeParseError(err, Object.keys(options))}\n\n${usage}`)
  }
  if ((parsed.values as { help?: unknown }).help === true) throw new HelpRequested(usage)
  return parsed
}

/** node:util's message, shortened for an unknown option and with the option that was meant. */
function describeParseError(err: unknown, known: readonly string[]): string {
  const e = err as { code?: string; message?: string }
  const unknown = e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /option '([^']+)'/.exec(e.message ?? '')?.[1] : undefined
  if (unknown === undefined) return e.message ?? String(err)
  const hint = unknown.startsWith('--') ? closest(unknown.slice(2), known) : undefined
  return `unknown option '${unknown}'${hint ? ` (did you mean '--${hint}'?)` : ''}`
}

/** Splits `--severity HIGH,CRITICAL` style lists. */
export function splitList(raw: string | undefined): string[] {
  return raw === undefined ? [] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
}
