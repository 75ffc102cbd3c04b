/**
 * The Debian bookworm nginx and HAProxy configuration (src/scanner/misconfig/web-server/testdata)
 * as a layer tree, with the default site enabled by a symlink as the package's postinst does:
 * an image built from it lacks the security headers (DRY-DI-0008). Shared by the DRY-DI-0008
 * tests of the pipeline, `drydock scan` and the registry's scan on push.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { TreeNode } from '../../src/scanner/image/testing/layout-builder.ts'
import { REPO_ROOT } from '../../src/testkit/repo-paths.ts'

const FIXTURE = join(REPO_ROOT, 'src', 'scanner', 'misconfig', 'web-server', 'testdata', 'debian-bookworm')

/** The fixture's files, keyed by path without a leading slash. */
export async function webServerFixtureTree(): Promise<Record<string, TreeNode>> {
  const tree: Record<string, TreeNode> = {}
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const full = join(dir, name)
      if ((await stat(full)).isDirectory()) await walk(full)
      else tree[relative(FIXTURE, full)] = await readFile(full, 'utf8')
    }
  }
  await walk(FIXTURE)
  return tree
}

/** The fixture with Debian's default nginx site enabled (no security headers anywhere). */
export async function nginxWithoutHeadersTree(): Promise<Record<string, TreeNode>> {
  return { ...(await webServerFixtureTree()), 'etc/nginx/sites-enabled/default': { symlink: '/etc/nginx/sites-available/default' } }
}
