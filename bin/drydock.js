#!/usr/bin/env node
// Launcher for the `drydock` command. Drydock needs Node 24 (node:sqlite, zstd, type stripping);
// the repo pins it through the `node` devDependency. When this file is started by an older Node
// (a bare `drydock` on a machine whose system Node is 20), re-run under the pinned one.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const entry = join(root, 'src', 'cli', 'main.ts')
const major = Number(process.versions.node.split('.')[0])

if (major >= 24) {
  await import(entry)
} else {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node')
  if (!existsSync(pinned)) {
    process.stderr.write('drydock: Node 24 is required; run `npm ci` in the Drydock checkout first\n')
    process.exit(2)
  }
  const child = spawn(pinned, [entry, ...process.argv.slice(2)], { stdio: 'inherit' })
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 70)
  })
}
