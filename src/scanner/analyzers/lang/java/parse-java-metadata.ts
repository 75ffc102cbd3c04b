/** The two small text formats inside Java archives: `pom.properties` and `META-INF/MANIFEST.MF`. */

/** Java .properties, the subset Maven writes: `key=value` / `key: value`, `#` and `!` comments. */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue
    const m = /^([^=:\s]+)\s*[=:]?\s*(.*)$/.exec(line)
    if (m?.[1] !== undefined) out.set(m[1], (m[2] ?? '').trim())
  }
  return out
}

/**
 * The main section of a JAR manifest: `Name: value` lines, continuation lines start with one
 * space; the main section ends at the first blank line.
 */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>()
  let last: string | undefined
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break
    if (line.startsWith(' ')) {
      if (last !== undefined) out.set(last, `${out.get(last) ?? ''}${line.slice(1)}`.slice(0, 4096))
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    last = line.slice(0, colon).trim()
    out.set(last, line.slice(colon + 1).trim().slice(0, 4096))
  }
  return out
}

/**
 * What an archive says about itself. Only pom.properties holds Maven coordinates; from a manifest
 * or a file name `groupId` is '' and `artifactId` is a title or a file-name stem.
 */
export interface JavaCoordinates {
  readonly groupId: string
  readonly artifactId: string
  readonly version: string
  readonly source: 'pom.properties' | 'MANIFEST.MF' | 'file name'
  /** MANIFEST.MF `Implementation-Vendor-Id`: the vendor (org.apache), not the groupId (commons-collections). */
  readonly vendorId?: string
}

export function fromPomProperties(props: Map<string, string>): JavaCoordinates | undefined {
  const groupId = props.get('groupId')
  const artifactId = props.get('artifactId')
  const version = props.get('version')
  return groupId && artifactId && version ? { groupId, artifactId, version, source: 'pom.properties' } : undefined
}

/**
 * OSGi and plain manifests: the version and a title. No groupId: a manifest has no Maven
 * coordinates (commons-collections 3.2.2 says `Implementation-Vendor-Id: org.apache` and
 * `Implementation-Title: Commons Collections`; its groupId and artifactId are both
 * commons-collections).
 */
export function fromManifest(mf: Map<string, string>): JavaCoordinates | undefined {
  const version = mf.get('Implementation-Version') ?? mf.get('Bundle-Version') ?? mf.get('Specification-Version')
  // Bundle-SymbolicName may carry directives: `org.foo.bar;singleton:=true`.
  const symbolic = mf.get('Bundle-SymbolicName')?.split(';')[0]?.trim()
  const artifactId = mf.get('Implementation-Title') ?? symbolic
  if (!version || !artifactId) return undefined
  const vendorId = mf.get('Implementation-Vendor-Id')
  return { groupId: '', artifactId, version, source: 'MANIFEST.MF', ...(vendorId ? { vendorId } : {}) }
}

/** Last resort: `commons-io-2.11.0.jar` → commons-io 2.11.0. */
export function fromFileName(fileName: string): JavaCoordinates | undefined {
  const m = /^(.+?)-(\d[\w.+-]*?)\.[a-z]+$/i.exec(fileName)
  return m?.[1] && m[2] ? { groupId: '', artifactId: m[1], version: m[2], source: 'file name' } : undefined
}
