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
import { readZipDirectory, readZipEntry } from './read-zip.ts'

const NAME = 'java-archive'
const ARCHIVE = /\.(?:jar|war|ear|par|sar|jpi|hpi|kar|nar)$/i
const MAX_DEPTH = 4
const MAX_TOTAL_INFLATED = 512 * 1024 * 1024
const MAX_NESTED_ARCHIVE = 128 * 1024 * 1024
const MAX_METADATA_FILE = 1024 * 1024

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
    scanArchive(scan, input.content, fileName, fileName, 0)
    return resultOf(uniqueByPurl(scan.packages), scan.unknowns)
  },
}

interface Scan {
  readonly input: AnalysisInput
  budget: number
  readonly packages: PackageRecord[]
  readonly unknowns: Unknown[]
}

function scanArchive(scan: Scan, bytes: Uint8Array, fileName: string, archivePath: string, depth: number): void {
  const entries = readZipDirectory(bytes)
  if (typeof entries === 'string') {
    scan.unknowns.push(unknownAt(scan.input, NAME, `${archivePath}: ${entries}`))
    return
  }
  const read = (entry: (typeof entries)[number], limit: number): Uint8Array | undefined => {
    const data = readZipEntry(bytes, entry, Math.min(limit, scan.budget))
    if (typeof data === 'string') {
      scan.unknowns.push(unknownAt(scan.input, NAME, `${archivePath}: ${data}`))
      return undefined
    }
    scan.budget -= data.length
    return data
  }
  const found: JavaCoordinates[] = []
  let manifest: JavaCoordinates | undefined
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue
    if (/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(entry.name)) {
      const data = read(entry, MAX_METADATA_FILE)
      const coords = data && fromPomProperties(parseProperties(decodeText(data)))
      if (coords) found.push(coords)
    } else if (entry.name === 'META-INF/MANIFEST.MF') {
      const data = read(entry, MAX_METADATA_FILE)
      manifest = data && fromManifest(parseManifest(decodeText(data)))
    } else if (ARCHIVE.test(entry.name)) {
      if (depth + 1 > MAX_DEPTH) {
        scan.unknowns.push(unknownAt(scan.input, NAME, `${archivePath}: nesting deeper than ${MAX_DEPTH}, ${entry.name} not opened`))
        continue
      }
      const data = read(entry, MAX_NESTED_ARCHIVE)
      const innerName = entry.name.slice(entry.name.lastIndexOf('/') + 1)
      if (data) scanArchive(scan, data, innerName, `${archivePath}!/${entry.name}`, depth + 1)
    }
  }
  const chosen = found.length > 0 ? found : [manifest ?? fromFileName(fileName)].filter((c) => c !== undefined)
  for (const c of chosen) scan.packages.push(javaPackage(scan.input, c, archivePath))
}

function javaPackage(input: AnalysisInput, c: JavaCoordinates, archivePath: string): PackageRecord {
  const name = c.groupId ? `${c.groupId}:${c.artifactId}` : c.artifactId
  const metadata: Record<string, string> = { artifactId: c.artifactId, source: c.source, archivePath }
  if (c.groupId) metadata['groupId'] = c.groupId
  return packageAt(input, {
    name,
    version: c.version,
    type: 'java-archive',
    purl: buildPurl('maven', c.groupId || undefined, c.artifactId, c.version),
    metadata,
  })
}
