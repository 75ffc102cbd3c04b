/**
 * Package-name normalisation shared by the database (when indexing) and the matchers (when
 * querying), so both sides agree. Only ecosystems whose registries treat names as equivalent
 * are folded: PyPI (PEP 503: case-insensitive, runs of `-_.` are one `-`). npm, Go, Maven,
 * crates.io, RubyGems, NuGet and the distributions are compared as written (NuGet ids are
 * case-insensitive, so they are lower-cased too).
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  const base = ecosystemBase(ecosystem)
  if (base === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-')
  if (base === 'NuGet') return name.toLowerCase()
  return name
}

/** The ecosystem without its release suffix: `Alpine:v3.19` -> `Alpine`. */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(':')
  return colon === -1 ? ecosystem : ecosystem.slice(0, colon)
}
