/**
 * Command-line parsing shared by the commands: node:util parseArgs in strict mode, with every
 * parse failure turned into a UsageError (exit code 2) carrying the command's usage text.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './exit-codes.ts'

type Options = NonNullable<ParseArgsConfig['options']>

export function parseCommandArgs<O extends Options>(argv: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true })
  } catch (err) {
    throw new UsageError(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`)
  }
}

/** Splits `--severity HIGH,CRITICAL` style lists. */
export function splitList(raw: string | undefined): string[] {
  return raw === undefined ? [] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
}
