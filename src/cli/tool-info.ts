/** The tool name and version written into reports and SBOMs (from package.json, read once). */
import { readFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }

export const TOOL_NAME = 'drydock'
export const TOOL_VERSION = typeof pkg.version === 'string' ? pkg.version : '0.0.0'
