import { writeOutput } from './output/write-output.ts'
import { UsageError } from './exit-codes.ts'

/** writeOutput, with a file that cannot be written (no such directory, no permission) reported as a usage error. */
export async function writeReport(text: string, file: string | undefined): Promise<void> {
  try {
    await writeOutput(text, file)
  } catch (err) {
    if (file === undefined || file === '-') throw err
    throw new UsageError(`cannot write ${file}: ${(err as Error).message}`)
  }
}
