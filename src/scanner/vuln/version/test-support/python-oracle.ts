/**
 * Runs one python3 process over many version pairs. Debian's python3-rpm and python3-packaging
 * install into the system interpreter, so /usr/bin/python3 is preferred over whatever `python3`
 * is first on PATH (a pyenv shim would not see them).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'

/**
 * Feeds `input` (one JSON value per line) to `script` and returns its stdout lines. Throws with
 * the interpreter's stderr when the script fails (for example a missing module, with `hint`).
 */
export function runPython(script: string, input: string, hint: string): string[] {
  const res = spawnSync(PYTHON, ['-c', script], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (res.error) throw new Error(`cannot run ${PYTHON}: ${res.error.message} (${hint})`)
  if (res.status !== 0) throw new Error(`${PYTHON} failed (${hint}):\n${res.stderr}`)
  return res.stdout.split('\n').filter((l) => l !== '')
}
