/**
 * Where the key password comes from: DRYDOCK_KEY_PASSWORD, then COSIGN_PASSWORD (so cosign
 * users' CI keeps working), then a prompt on the controlling TTY with echo off. Never a
 * command-line argument: those end up in shell history and in `ps` output.
 * DRYDOCK_PASSWORD is the *registry* password (README "Credentials"); it used to be the key
 * password too. It is never read as one: when it is the only password set, the error says so
 * rather than letting a registry password silently become a key password.
 */
import { createInterface } from 'node:readline'
import { TrustError } from '../trust-errors.ts'

export const PASSWORD_ENV_VARS = ['DRYDOCK_KEY_PASSWORD', 'COSIGN_PASSWORD'] as const

const OLD_USAGE_NOTE = 'DRYDOCK_PASSWORD is the registry password and is not read as the key password: set DRYDOCK_KEY_PASSWORD (or COSIGN_PASSWORD)'

export function passwordFromEnv(env: NodeJS.ProcessEnv = process.env): Uint8Array | undefined {
  for (const name of PASSWORD_ENV_VARS) {
    const v = env[name]
    // An empty value is a valid (if weak) password, as with cosign.
    if (v !== undefined) return Buffer.from(v, 'utf8')
  }
  return undefined
}

/** Reads the password from the environment or the TTY; `confirm` asks twice (key generation). */
export async function readPassword(prompt: string, confirm = false, env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  const fromEnv = passwordFromEnv(env)
  if (fromEnv) return fromEnv
  const oldUsage = env['DRYDOCK_PASSWORD'] !== undefined
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    throw new TrustError('PASSWORD_MISSING', oldUsage ? `no key password: ${OLD_USAGE_NOTE}` : `no password: set ${PASSWORD_ENV_VARS.join(' or ')} (no terminal to prompt on)`)
  }
  if (oldUsage) process.stderr.write(`note: ${OLD_USAGE_NOTE}\n`)
  const first = await promptHidden(prompt)
  if (confirm && (await promptHidden('Enter password again: ')) !== first) {
    throw new TrustError('PASSWORD_MISSING', 'the passwords do not match')
  }
  return Buffer.from(first, 'utf8')
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
    // Echo nothing but the prompt itself while the password is typed.
    const out = rl as unknown as { _writeToOutput: (s: string) => void }
    process.stderr.write(prompt)
    out._writeToOutput = () => {}
    rl.question('', (answer) => {
      rl.close()
      process.stderr.write('\n')
      resolve(answer)
    })
  })
}
