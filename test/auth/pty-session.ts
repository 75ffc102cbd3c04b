// Runs a command under a real pseudo-terminal (util-linux `script`), so code that checks isTTY
// and switches the terminal to raw mode is exercised as a person at a terminal would. Everything
// the terminal shows (prompts, and any echo of typed keys) is collected in output().
import { spawn } from 'node:child_process'

export interface PtySession {
  /** What the terminal has shown so far. */
  output(): string
  /** Resolves once `text` has appeared (fails after timeoutMs). */
  waitFor(text: string, timeoutMs?: number): Promise<void>
  /** Types keys (use '\r' for Enter, '\u0003' for Ctrl-C). */
  type(keys: string): void
  /** The command's exit code (script -e passes it through). */
  exited: Promise<number | null>
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

export function startPty(argv: readonly string[], env: Readonly<Record<string, string>> = {}, timeoutMs = 60_000): PtySession {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DRYDOCK_')))
  const child = spawn('script', ['-q', '-e', '-f', '-c', argv.map(quote).join(' '), '/dev/null'], {
    env: { ...clean, TERM: 'dumb', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  const waiters = new Set<() => void>()
  const onData = (d: Buffer): void => {
    out += d.toString('utf8')
    for (const w of waiters) w()
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(err.code === 'ENOENT' ? new Error('`script` (util-linux, Debian package bsdutils) is required for this test but is not installed') : err)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      child.stdin.destroy()
      for (const w of waiters) w()
      resolve(code)
    })
  })
  return {
    output: () => out,
    exited,
    type: (keys) => void child.stdin.write(keys),
    waitFor: (text, ms = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (out.includes(text)) {
            waiters.delete(check)
            clearTimeout(t)
            resolve()
          } else if (child.exitCode !== null || child.signalCode !== null) {
            waiters.delete(check)
            clearTimeout(t)
            reject(new Error(`the command ended before showing ${JSON.stringify(text)}; terminal:\n${out}`))
          }
        }
        const t = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`${JSON.stringify(text)} did not appear within ${ms} ms; terminal:\n${out}`))
        }, ms)
        waiters.add(check)
        check()
      }),
  }
}
