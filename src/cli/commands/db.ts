// `drydock db update | import | status`: thin wrappers over the advisory DB writer and the feed
// importers. Every update builds a copy and swaps it in atomically, so a failed or interrupted
// run keeps the previous database.
import { mkdir, stat } from 'node:fs/promises'
import { basename, dirname } from 'node:path'
import { parseCommandArgs, splitList } from '../args.ts'
import { dbFile } from '../cache-paths.ts'
import { EXIT, ExitError, UsageError } from '../exit-codes.ts'

const HELP = `Usage: drydock db <subcommand> [options]

Subcommands:
  update [--mirror URL] [--ecosystems LIST]   download OSV ecosystems (default: all that Drydock matches)
                                              from the OSV bucket or a mirror with the same layout
  import PATH [--kind KIND]                   import local data: a directory of OSV *.json files or an
                                              OSV all.zip (kind osv, default), an Alpine secdb tree
                                              (alpine-secdb) or a Debian tracker tree (debian-tracker)
  status                                      schema version, sources, record counts and data age

Options:
  --db DIR          advisory DB directory (default $DRYDOCK_CACHE_DIR/db or ~/.cache/drydock/db)
`

// Every OSV export Drydock can match (folder names of the OSV bucket and of mirrors).
const DEFAULT_ECOSYSTEMS = [
  'Alpine', 'Debian', 'Ubuntu', 'Red Hat', 'Rocky Linux', 'AlmaLinux', 'SUSE', 'openSUSE', 'Wolfi', 'Chainguard',
  'npm', 'PyPI', 'Go', 'Maven', 'RubyGems', 'crates.io', 'Packagist', 'NuGet',
]

const OPTIONS = {
  db: { type: 'string' },
  mirror: { type: 'string' },
  ecosystems: { type: 'string' },
  kind: { type: 'string', default: 'osv' },
} as const

function say(line: string): void {
  process.stderr.write(`${line}\n`)
}

export async function run(argv: readonly string[]): Promise<number> {
  const { values: v, positionals } = parseCommandArgs(argv, OPTIONS, HELP)
  const [sub, ...args] = positionals
  if (sub === undefined) {
    process.stdout.write(HELP)
    return EXIT.usage
  }
  const file = dbFile(v.db)
  switch (sub) {
    case 'update':
      if (args.length > 0) throw new UsageError(`'db update' takes no arguments\n\n${HELP}`)
      return await update(file, v.mirror, splitList(v.ecosystems))
    case 'import':
      if (args.length !== 1) throw new UsageError(`'db import' needs exactly one PATH\n\n${HELP}`)
      return await importPath(file, args[0] as string, v.kind)
    case 'status':
      return await status(file)
    default:
      throw new UsageError(`unknown db subcommand '${sub}'\n\n${HELP}`)
  }
}

async function update(file: string, mirror: string | undefined, ecosystems: string[]): Promise<number> {
  if (mirror !== undefined && !/^https?:\/\//.test(mirror)) throw new UsageError(`--mirror must be an http(s) URL, got '${mirror}'`)
  const { updateAdvisoryDb } = await import('../../scanner/vuln/db/db-writer.ts')
  const { importOsvMirror, DownloadError } = await import('../../scanner/vuln/sources/mirror-source.ts')
  const { progressBar } = await import('../output/progress-bar.ts')
  await mkdir(dirname(file), { recursive: true })
  const list = ecosystems.length > 0 ? ecosystems : DEFAULT_ECOSYSTEMS
  try {
    await updateAdvisoryDb(file, async (w) => {
      for (const ecosystem of list) {
        const bar = progressBar()
        say(`downloading ${ecosystem} ...`)
        const stats = await importOsvMirror(w, {
          ecosystem,
          ...(mirror !== undefined ? { baseUrl: mirror } : {}),
          onProgress: (p) => bar.update(p.bytes, p.total ?? 0, ecosystem),
        })
        bar.finish()
        say(`${ecosystem}: ${stats.inserted} new, ${stats.updated} updated, ${stats.unchanged} unchanged, ${stats.rejected} rejected`)
      }
    })
  } catch (err) {
    if (err instanceof DownloadError) throw new ExitError(`${err.message} (the previous database, if any, is kept)`, EXIT.unreachable)
    throw err
  }
  say(`advisory database updated: ${file}`)
  return EXIT.ok
}

async function importPath(file: string, path: string, kind: string): Promise<number> {
  let isDir: boolean
  try {
    isDir = (await stat(path)).isDirectory()
  } catch {
    throw new UsageError(`cannot read ${path}`)
  }
  const { updateAdvisoryDb } = await import('../../scanner/vuln/db/db-writer.ts')
  const { importRecords } = await import('../../scanner/vuln/sources/import-records.ts')
  const native = await import('../../scanner/vuln/sources/native-import.ts')
  await mkdir(dirname(file), { recursive: true })
  const stats = await updateAdvisoryDb(file, async (w) => {
    switch (kind) {
      case 'osv': {
        const name = `osv:${basename(path).replace(/\.zip$/i, '').replace(/^all$/, basename(dirname(path)))}`
        if (isDir) {
          const { readOsvDirectory } = await import('../../scanner/vuln/sources/directory-source.ts')
          return await importRecords(w, { name, kind: 'osv-dir', location: path }, readOsvDirectory(path))
        }
        const { readOsvZip } = await import('../../scanner/vuln/sources/zip-source.ts')
        return await importRecords(w, { name, kind: 'osv-zip', location: path }, readOsvZip(path))
      }
      case 'alpine-secdb':
        if (!isDir) throw new UsageError(`${path}: an Alpine secdb import needs a directory`)
        return await native.importAlpineSecdb(w, path)
      case 'debian-tracker':
        if (!isDir) throw new UsageError(`${path}: a Debian tracker import needs a directory`)
        return await native.importDebianTracker(w, path)
      default:
        throw new UsageError(`unknown --kind '${kind}' (use osv, alpine-secdb, debian-tracker)`)
    }
  })
  say(`imported ${path}: ${stats.inserted} new, ${stats.updated} updated, ${stats.unchanged} unchanged, ${stats.rejected} rejected`)
  for (const r of stats.rejections.slice(0, 5)) say(`  rejected ${r.entry}${r.id ? ` (${r.id})` : ''}: ${r.reason}`)
  say(`advisory database: ${file}`)
  return EXIT.ok
}

async function status(file: string): Promise<number> {
  const { existsSync } = await import('node:fs')
  if (!existsSync(file)) throw new ExitError(`no advisory database at ${file}: run 'drydock db update' or 'drydock db import PATH'`, EXIT.usage)
  const { SqliteAdvisoryProvider, AdvisoryDbError } = await import('../../scanner/vuln/db/sqlite-provider.ts')
  const { describeAge } = await import('../../scanner/report/data-age.ts')
  let provider
  try {
    provider = new SqliteAdvisoryProvider(file)
  } catch (err) {
    if (err instanceof AdvisoryDbError) throw new ExitError(`${err.message}: run 'drydock db update' to rebuild it`, EXIT.usage)
    throw err
  }
  try {
    const now = new Date()
    const lines = [
      `Database:       ${file}`,
      `Schema version: ${provider.dbVersion}`,
      `Updated:        ${provider.updatedAt ?? 'never'} (${describeAge(provider.updatedAt, now)} ago)`,
      `Advisories:     ${provider.count()}`,
      'Sources:',
      ...(await provider.dataSources()).map((s) => `  ${s.name.padEnd(20)} ${String(s.records).padStart(8)} records  ${String(s.rejected).padStart(5)} rejected  imported ${s.importedAt} (${describeAge(s.importedAt, now)} ago)  ${s.kind} ${s.location}`),
    ]
    process.stdout.write(`${lines.join('\n')}\n`)
  } finally {
    provider.close()
  }
  return EXIT.ok
}
