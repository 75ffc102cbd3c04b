// `drydock gc`: run garbage collection on a running server now (server admins), or with
// --dry-run print what would be deleted and the bytes. It asks the server (POST /api/v1/gc)
// rather than opening the data directory itself: the server's collector is the one that
// coordinates with pushes in flight and with the schedule (docs/storage-layout.md).
import { parseCommandArgs } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, print } from './management-client.ts'

const USAGE = `Usage: drydock gc [--dry-run] [--format table|json]
Deletes blobs no manifest references (older than the server's grace period) and expired uploads.
--dry-run lists what would be deleted and the bytes, and deletes nothing.
${CONNECTION_HELP}`

interface Report {
  readonly dryRun: boolean
  readonly durationMs: number
  readonly manifests: number
  readonly liveBlobs: number
  readonly keptRecent: number
  readonly deletedBlobs: number
  readonly freedBytes: number
  readonly removedLinks: number
  readonly expiredUploads: number
  readonly blobs?: ReadonlyArray<{ readonly digest: string; readonly size: number }>
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]} (${n} bytes)`
}

function summary(r: Report): string {
  const lines: string[] = []
  if (r.dryRun) {
    for (const b of r.blobs ?? []) lines.push(`${b.digest}  ${b.size}`)
    const more = r.deletedBlobs - (r.blobs?.length ?? 0)
    if (more > 0) lines.push(`… and ${more} more`)
    lines.push(`would delete ${r.deletedBlobs} blobs, ${bytes(r.freedBytes)}`)
  } else {
    lines.push(`deleted ${r.deletedBlobs} blobs, freed ${bytes(r.freedBytes)}; purged ${r.expiredUploads} expired uploads`)
  }
  lines.push(`kept ${r.liveBlobs} referenced blobs (${r.manifests} manifests) and ${r.keptRecent} unreferenced within the grace period; ${r.durationMs} ms`)
  return `${lines.join('\n')}\n`
}

export async function run(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...CONNECTION_OPTIONS, 'dry-run': { type: 'boolean' } }, USAGE)
  const format = outputFormat(values.format)
  const report = await call<Report>(await connect(values), 'POST', '/api/v1/gc', { dryRun: values['dry-run'] === true })
  if (format === 'json') print(report, 'json')
  else process.stdout.write(summary(report))
  return EXIT.ok
}
