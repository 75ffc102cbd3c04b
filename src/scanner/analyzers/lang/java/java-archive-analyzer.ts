/**
 * Java archives (jar, war, ear and their cousins): Maven coordinates from every
 * `META-INF/maven/<group>/<artifact>/pom.properties` (shaded jars hold several), else the main
 * `META-INF/MANIFEST.MF`, else the file name. Archives nested inside (WEB-INF/lib/*.jar,
 * Spring Boot BOOT-INF/lib/*.jar, ear modules) are opened in memory, recursively.
 *
 * Limits against zip bombs: nesting depth, bytes inflated per archive scan in total, bytes per
 * metadata file and per nested archive. Hitting one gives an Unknown and the scan goes on with
 * what was found. Package names are `group:artifact` (Trivy's convention); where the package
 * came from inside the archive is metadata `archivePath` (`app.war!/WEB-INF/lib/a.jar`), since
 * the location path must stay a real path in the image.
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import type { PackageRecord, Unknown } from '../../../model/package.ts'
import { buildPurl, decodeText, packageAt, resultOf, uniqueByPurl, unknownAt } from '../lang-package.ts'
import {
  type JavaCoordinates,
  fromFileName,
  fromManifest,
  fromPomProperties,
  parseManifest,
  parseProperties,
} from './parse-java-metadata.ts'
import { memoryByteSource } from '../../../archive/zip/byte-source.ts'
import type { ZipEntry } from '../../../archive/zip/central-directory.ts'
import { ZipArchive, type ZipLimits } from '../../../archive/zip/zip-archive.ts'
import { isZipError } from '../../../archive/zip/zip-error.ts'

const NAME = 'java-archive'
const ARCHIVE = /\.(?:jar|war|ear|par|sar|jpi|hpi|kar|nar)$/i
const MAX_DEPTH = 4
const MAX_TOTAL_INFLATED = 512 * 1024 * 1024
const MAX_NESTED_ARCHIVE = 128 * 1024 * 1024
const MAX_METADATA_FILE = 1024 * 1024
const ZIP_LIMITS: ZipLimits = { maxEntries: 200_000, maxEntryBytes: MAX_NESTED_ARCHIVE, maxTotalBytes: MAX_TOTAL_INFLATED }

export const javaArchiveAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 512 * 1024 * 1024,
  required(path) {
    return ARCHIVE.test(path)
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const scan: Scan = { input, budget: MAX_TOTAL_INFLATED, packages: [], unknowns: [] }
    const fileName = input.path.slice(input.path.lastIndexOf('/') + 1)
    await scanArchive(scan, input.content, fileName, fileName, 0)
    return resultOf(uniqueByPurl(scan.packages), scan.unknowns)
  },
}

interface Scan {
  readonly input: AnalysisInput
  budget: number
  readonly packages: PackageRecord[]
  readonly unknowns: Unknown[]
}

async function scanArchive(scan: Scan, bytes: Uint8Array, fileName: string, archivePath: string, depth: number): Promise<void> {
  const unknown = (err: unknown): undefined => {
    if (!isZipError(err)) throw err
    scan.unknowns.push(unknownAt(scan.input, NAME, `${archivePath}: ${err.message}`))
    return undefined
  }
  // The whole directory is read first: a broken one gives no packages, not a partial list.
  let zip: ZipArchive
  const entries: ZipEntry[] = []
  try {
    zip = await ZipArchive.open(memoryByteSource(bytes), ZIP_LIMITS)
    for await (const entry of zip.entries()) entries.push(entry)
  } catch (err) {
    return unknown(err)
  }
  const read = async (entry: ZipEntry, limit: number): Promise<Uint8Array | undefined> => {
    try {
      const data = await zip.read(entry, Math.min(limit, scan.budget))
      scan.budget -= data.length
      return data
    } catch (err) {
      return unknown(err)
    }
  }
  const found: JavaCoordinates[] = []
  let manifest: JavaCoordinates | undefined
  for (const entry of entries) {
    if (/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(entry.name)) {
      const data = await read(entry, MAX_METADATA_FILE)
      const coords = data && fromPomProperties(parseProperties(decodeText(data)))
      if (coords) found.push(coords)
    } else if (entry.name === 'META-INF/MANIFEST.MF') {
      const data = await read(entry, MAX_METADATA_FILE)
      manifest = data && fromManifest(parseManifest(decodeText(data)))
    } else if (ARCHIVE.test(entry.name)) {
      if (depth + 1 > MAX_DEPTH) {
        scan.unknowns.push(unknownAt(scan.input, NAME, `${archivePath}: nesting deeper than ${MAX_DEPTH}, ${entry.name} not opened`))
        continue
      }
      const data = await read(entry, MAX_NESTED_ARCHIVE)
      const innerName = entry.name.slice(entry.name.lastIndexOf('/') + 1)
      if (data) await scanArchive(scan, data, innerName, `${archivePath}!/${entry.name}`, depth + 1)
    }
  }
  const chosen = found.length > 0 ? found : [manifest ?? fromFileName(fileName)].filter((c) => c !== undefined)
  for (const c of chosen) scan.packages.push(javaPackage(scan.input, c, archivePath))
}

/** purl-spec maven: namespace (groupId) and name (artifactId) are both required, in this alphabet. */
const MAVEN_ID = /^[A-Za-z0-9_.-]+$/

function javaPackage(input: AnalysisInput, c: JavaCoordinates, archivePath: string): PackageRecord {
  const name = c.groupId ? `${c.groupId}:${c.artifactId}` : c.artifactId
  const metadata: Record<string, string> = { artifactId: c.artifactId, source: c.source, archivePath }
  if (c.groupId) metadata['groupId'] = c.groupId
  if (c.vendorId) metadata['implementationVendorId'] = c.vendorId
  // Without Maven coordinates (a manifest or a file name only) the component is kept with its
  // path, but gets no purl: a guessed one would name another artifact, or none at all.
  const coordinates = MAVEN_ID.test(c.groupId) && MAVEN_ID.test(c.artifactId)
  return packageAt(input, {
    name,
    version: c.version,
    type: 'java-archive',
    purl: coordinates ? buildPurl('maven', c.groupId, c.artifactId, c.version) : '',
    metadata,
  })
}
