import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { finished } from 'node:stream/promises'

/**
 * Writes a command's result to `--output FILE` (atomically: a temp file renamed into place, so a
 * failed run never leaves half a report) or to stdout.
 */
export async function writeOutput(text: string, file: string | undefined): Promise<void> {
  if (file === undefined || file === '-') {
    if (!process.stdout.write(text)) await new Promise((r) => process.stdout.once('drain', r))
    return
  }
  const tmp = `${file}.tmp-${process.pid}`
  try {
    const out = createWriteStream(tmp, { mode: 0o644 })
    out.end(text)
    await finished(out)
    await rename(tmp, file)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}
