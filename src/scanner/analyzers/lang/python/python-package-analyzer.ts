/**
 * Installed Python distributions, wherever they are (site-packages, Debian's dist-packages,
 * virtualenvs): `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, and `*.egg-info` written as a
 * single file (old distutils installs). The name is kept as the metadata writes it (`Jinja2`);
 * the purl carries the normalised name (`pkg:pypi/jinja2@3.1.2`).
 */
import type { Analyzer, AnalysisInput, AnalysisResult } from '../../analyzer.ts'
import { buildPurl, decodeText, packageAt, unknownResult } from '../lang-package.ts'
import { normalizePythonName, parsePythonMetadata } from './parse-python-metadata.ts'

const NAME = 'python-package'
const WANTED = /(?:\.dist-info\/METADATA|\.egg-info\/PKG-INFO|\.egg-info)$/

export const pythonPackageAnalyzer: Analyzer = {
  name: NAME,
  version: 1,
  maxFileSize: 4 * 1024 * 1024,
  required(path) {
    return WANTED.test(path)
  },
  async analyze(input: AnalysisInput): Promise<AnalysisResult | undefined> {
    const meta = parsePythonMetadata(decodeText(input.content))
    if (meta === undefined) return unknownResult(input, NAME, 'no Name/Version headers in Python metadata')
    const purl = buildPurl('pypi', undefined, normalizePythonName(meta.name), meta.version)
    return { packages: [packageAt(input, { name: meta.name, version: meta.version, type: 'python', purl, licenses: meta.licenses })] }
  },
}
