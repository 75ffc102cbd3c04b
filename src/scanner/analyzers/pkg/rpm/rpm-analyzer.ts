/**
 * RPM packages from the three database formats rpm has used:
 *
 * | path                                  | format                    | distributions            |
 * |---------------------------------------|---------------------------|--------------------------|
 * | var/lib/rpm/Packages                  | Berkeley DB hash          | RHEL/CentOS 5-8, AL2     |
 * | var/lib/rpm/rpmdb.sqlite              | SQLite                    | RHEL 9, Fedora, Mariner  |
 * | usr/lib/sysimage/rpm/Packages.db      | NDB                       | SUSE 15 SP3+             |
 * | usr/lib/sysimage/rpm/{Packages,rpmdb.sqlite} | as above (rpm >= 4.17 default path) |   |
 *
 * `gpg-pubkey` entries are skipped: rpm -qa lists imported signing keys as pseudo-packages
 * (`gpg-pubkey-<keyid>-<date>`), but they install no software and have no advisories.
 * Bad databases or headers become unknowns; good headers in the same database still count.
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord, Unknown } from '../../../model/package.ts'
import { readBdbHash, type DbItem } from './bdb-reader.ts'
import { readNdb } from './ndb-reader.ts'
import { RpmHeader } from './rpm-header.ts'
import { rpmPackage } from './rpm-package.ts'
import { readRpmSqlite } from './sqlite-reader.ts'

type Reader = (file: Uint8Array) => Generator<DbItem>

const READERS: ReadonlyMap<string, Reader> = new Map([
  ['var/lib/rpm/Packages', readBdbHash],
  ['var/lib/rpm/rpmdb.sqlite', readRpmSqlite],
  ['usr/lib/sysimage/rpm/Packages', readBdbHash],
  ['usr/lib/sysimage/rpm/rpmdb.sqlite', readRpmSqlite],
  ['usr/lib/sysimage/rpm/Packages.db', readNdb],
])

/** At most this many problems are reported per database, so a shredded file stays readable. */
const MAX_UNKNOWNS = 20

export const rpmAnalyzer: Analyzer = {
  name: 'rpm',
  version: 1,
  maxFileSize: 512 * 1024 * 1024,
  required: (path) => READERS.has(path),
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const read = READERS.get(input.path)
    if (!read) return undefined
    const packages: PackageRecord[] = []
    const unknowns: Unknown[] = []
    let dropped = 0
    const unknown = (reason: string): void => {
      if (unknowns.length < MAX_UNKNOWNS) unknowns.push({ path: input.path, diffId: input.diffId, analyzer: 'rpm', reason })
      else dropped++
    }
    const location = { path: input.path, diffId: input.diffId, ...(input.layerDigest ? { layerDigest: input.layerDigest } : {}) }
    for (const item of read(input.content)) {
      if ('error' in item) { unknown(item.error); continue }
      const header = RpmHeader.parse(item.blob)
      if (typeof header === 'string') { unknown(header); continue }
      const pkg = rpmPackage(header, location)
      if (typeof pkg === 'string') unknown(pkg)
      else if (pkg.name !== 'gpg-pubkey') packages.push(pkg)
    }
    if (dropped > 0) unknowns.push({ path: input.path, diffId: input.diffId, analyzer: 'rpm', reason: `${dropped} more problems not listed` })
    return { packages, ...(unknowns.length ? { unknowns } : {}) }
  },
}
