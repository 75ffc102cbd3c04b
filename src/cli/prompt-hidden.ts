// A hidden prompt on the terminal, for the commands that ask for a password (user, login).
import { UsageError } from './exit-codes.ts'

/**
 * Reads one line from the terminal in raw mode, so the typed password is never echoed.
 * Listens with on('data') instead of `for await`: leaving a for-await loop destroys stdin, and
 * the second prompt ("Repeat password") would then fail. Keys typed ahead of the next prompt
 * are kept for it.
 */
let typedAhead = ''

export async function promptHidden(question: string, noTtyHint: string): Promise<string> {
  const stdin = process.stdin
  if (!stdin.isTTY) throw new UsageError(`no terminal to prompt on: ${noTtyHint}`)
  // Raw mode first: keys typed as soon as the prompt shows must not be echoed.
  stdin.setRawMode(true)
  stdin.setEncoding('utf8')
  process.stderr.write(question)
  try {
    return await new Promise<string>((resolve, reject) => {
      let pw = ''
      const finish = (err?: Error): void => {
        stdin.off('data', onData)
        stdin.off('end', onEnd)
        stdin.pause()
        if (err) reject(err)
        else resolve(pw)
      }
      const onData = (chunk: string): void => {
        for (let i = 0; i < chunk.length; i++) {
          const ch = chunk[i] as string
          if (ch === '\r' || ch === '\n') {
            typedAhead = chunk.slice(i + 1).replace(/^\n/, '')
            return finish()
          }
          if (ch === '\u0003') return finish(new UsageError('cancelled'))
          pw = ch === '\u007f' || ch === '\b' ? pw.slice(0, -1) : pw + ch
        }
      }
      const onEnd = (): void => finish()
      stdin.on('data', onData)
      stdin.once('end', onEnd)
      const pending = typedAhead
      typedAhead = ''
      if (pending !== '') onData(pending)
      if (stdin.listenerCount('data') > 0) stdin.resume()
    })
  } finally {
    stdin.setRawMode(false)
    process.stderr.write('\n')
  }
}
