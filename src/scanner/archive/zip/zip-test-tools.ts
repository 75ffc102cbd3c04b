/**
 * Test-only helpers for the zip reader: archives come from the real `zip` and `python3 zipfile`
 * tools, and hostile variants are made by patching the bytes those tools wrote.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryByteSource, openFileByteSource, type ByteSource } from './byte-source.ts'
import { DEFAULT_ZIP_LIMITS, ZipArchive, type ZipLimits } from './zip-archive.ts'
import { isZipError } from './zip-error.ts'

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-zip-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

export function tool(cmd: string, args: readonly string[], cwd?: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string }
    if (e.code === 'ENOENT') throw new Error(`this test needs '${cmd}' (apt-get install zip python3; see PACKAGES in .ci/run)`)
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.message}\n${e.stderr ?? ''}`)
  }
}

/** Info-ZIP `zip` run in `cwd` (flags such as -0, -fz, -P go first). */
export function zipCli(cwd: string, out: string, files: readonly string[], flags: readonly string[] = []): Buffer {
  tool('zip', ['-q', ...flags, out, ...files], cwd)
  return readFileSync(out)
}

/** Runs a python3 snippet with `out` as sys.argv[1] and returns the archive it wrote. */
export function pythonZip(out: string, script: string): Buffer {
  tool('python3', ['-c', `import sys, zipfile\nout = sys.argv[1]\n${script}`, out])
  return readFileSync(out)
}

export type Outcome = { readonly name: string; readonly text: string } | { readonly name: string; readonly error: string }

/** Opens the archive and reads every entry, recording per-entry ZipErrors (other errors propagate). */
export async function readAll(source: ByteSource, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<Outcome[]> {
  const zip = await ZipArchive.open(source, limits)
  const out: Outcome[] = []
  for await (const entry of zip.entries()) {
    try {
      out.push({ name: entry.name, text: Buffer.from(await zip.read(entry)).toString('latin1') })
    } catch (err) {
      if (!isZipError(err)) throw err
      out.push({ name: entry.name, error: `${err.code}: ${err.message}` })
    }
  }
  return out
}

/** The same archive through both sources: the results must agree. */
export async function readBoth(file: string, limits?: ZipLimits): Promise<Outcome[]> {
  const mem = await readAll(memoryByteSource(readFileSync(file)), limits)
  const src = await openFileByteSource(file)
  try {
    const disk = await readAll(src, limits)
    if (JSON.stringify(disk) !== JSON.stringify(mem)) throw new Error(`file and memory sources disagree:\n${JSON.stringify(disk)}\n${JSON.stringify(mem)}`)
    return disk
  } finally {
    await src.close()
  }
}

/** Offsets of the central-directory headers, found from the EOCD the way a reader would. */
export function centralHeaders(bytes: Buffer): number[] {
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (eocd < 0) throw new Error('test archive has no EOCD')
  const out: number[] = []
  let at = bytes.readUInt32LE(eocd + 16)
  for (let i = 0; i < bytes.readUInt16LE(eocd + 10); i++) {
    out.push(at)
    at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32)
  }
  return out
}
