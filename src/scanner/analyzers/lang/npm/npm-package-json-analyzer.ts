/**
 * Installed npm packages: `node_modules/<name>/package.json` and
 * `node_modules/@scope/<name>/package.json`, at any depth of nesting.
 *
 * Like Trivy's image analyzer (node-pkg) and unlike Syft's directory scan, the application's own
 * `package.json` outside `node_modules` is not reported: it is the project, not a dependency
 * anyone installed, and has no advisories of its own. That also makes the inventory equal to
 * `npm ls --all`. Package manifests deeper inside a package (test fixtures, `dist/package.json`
 * markers) do not match the path rule and are ignored.
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import { isRecord, packageAt, parseJson, str, unknownResult } from '../lang-package.ts'
import { isNpmName, npmLicenses, npmPurl } from './npm-purl.ts'

const NAME = 'npm-package-json'
const INSTALLED = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/

export const npmPackageJsonAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 1024 * 1024,
  required(path) {
    return INSTALLED.test(path)
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const parsed = parseJson(input.content)
    if (!parsed.ok) return unknownResult(input, NAME, parsed.error)
    const pkg = parsed.value
    if (!isRecord(pkg)) return unknownResult(input, NAME, 'package.json is not a JSON object')
    const name = str(pkg['name'])
    const version = str(pkg['version'])
    // Manifests without name or version are not installable packages (npm would refuse them).
    if (name === undefined || version === undefined) return undefined
    if (!isNpmName(name)) return unknownResult(input, NAME, `invalid npm package name ${JSON.stringify(name.slice(0, 100))}`)
    return {
      packages: [
        packageAt(input, { name, version, type: 'npm', purl: npmPurl(name, version), licenses: npmLicenses(pkg) }),
      ],
    }
  },
}
