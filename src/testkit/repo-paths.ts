// Paths tests need: the repo root, and the shared test data that CI places beside the clone.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const SHARED_DIR = resolve(REPO_ROOT, '..', 'shared')
export const TESTDATA_DIR = join(SHARED_DIR, 'testdata')
export const IMAGES_DIR = join(TESTDATA_DIR, 'images')
export const VULNDB_DIR = join(TESTDATA_DIR, 'vulndb')
/** The Node 24 binary pinned by the repo (node_modules/node). */
export const NODE_BIN = process.execPath

/** Fails loudly (never skips) when the shared test data is not where CI puts it. */
export function requireTestdata(): void {
  if (!existsSync(IMAGES_DIR)) {
    throw new Error(`shared test data not found at ${TESTDATA_DIR}: clone the repo with ../shared beside it`)
  }
}
