/**
 * Builds Go binaries in tests without the network: a `file://` module proxy serving modules the
 * test writes (so dependencies get real h1 sums in the build info), and the environment that
 * keeps the go command local (its own GOPATH/GOCACHE, no checksum DB, no toolchain download).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ProxyModule {
  readonly path: string
  readonly version: string
  /** Go version in the module's go.mod. */
  readonly go: string
  /** Source files: name inside the module → contents. */
  readonly files: Readonly<Record<string, string>>
}

/** Writes a GOPROXY tree under `root/proxy` serving `modules`; returns the GOPROXY value. */
export function goModuleProxy(root: string, modules: readonly ProxyModule[]): string {
  const proxy = join(root, 'proxy')
  for (const m of modules) {
    const dir = join(proxy, ...m.path.split('/'), '@v')
    mkdirSync(dir, { recursive: true })
    const gomod = `module ${m.path}\n\ngo ${m.go}\n`
    writeFileSync(join(dir, 'list'), `${m.version}\n`)
    writeFileSync(join(dir, `${m.version}.info`), `{"Version":"${m.version}","Time":"2024-01-01T00:00:00Z"}\n`)
    writeFileSync(join(dir, `${m.version}.mod`), gomod)
    // Module zips hold every file under `path@version/`; python3's zipfile writes them.
    const entries = { 'go.mod': gomod, ...m.files }
    const script = 'import sys, json, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w") as z:\n    for name, body in json.loads(sys.argv[2]).items(): z.writestr(name, body)\n'
    const named = Object.fromEntries(Object.entries(entries).map(([n, b]) => [`${m.path}@${m.version}/${n}`, b]))
    const r = spawnSync('python3', ['-c', script, join(dir, `${m.version}.zip`), JSON.stringify(named)], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`python3 zipfile failed: ${r.stderr || r.error?.message}`)
  }
  return `file://${proxy}`
}

/** The environment for `go` commands that must stay offline and inside `root`. */
export function offlineGoEnv(root: string, goproxy: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: root,
    GOPATH: join(root, 'gopath'),
    GOCACHE: join(root, 'gocache'),
    GOPROXY: goproxy,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod -modcacherw',
    GOTOOLCHAIN: 'local',
    GOENV: 'off',
    CGO_ENABLED: '0',
  }
}
