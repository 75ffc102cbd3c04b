/** The built-in misconfiguration rules: an explicit list (no registration by side effect). */
import type { MisconfigRule } from './rule.ts'
import { addUrlRule } from './rules/add-url-rule.ts'
import { healthcheckRule } from './rules/healthcheck-rule.ts'
import { latestBaseRule } from './rules/latest-base-rule.ts'
import { layerCountRule } from './rules/layer-count-rule.ts'
import { noInstallRecommendsRule } from './rules/no-install-recommends-rule.ts'
import { packageCacheRule } from './rules/package-cache-rule.ts'
import { pipeToShellRule } from './rules/pipe-to-shell-rule.ts'
import { runAsRootRule } from './rules/run-as-root-rule.ts'
import { secretsInEnvRule } from './rules/secrets-in-env-rule.ts'
import { securityHeadersRule } from './rules/security-headers-rule.ts'
import { setuidFilesRule } from './rules/setuid-files-rule.ts'
import { sshPortRule } from './rules/ssh-port-rule.ts'
import { sudoRule } from './rules/sudo-rule.ts'
import { wastedBytesRule } from './rules/wasted-bytes-rule.ts'
import { worldWritableRule } from './rules/world-writable-rule.ts'

export const BUILTIN_MISCONFIG_RULES: readonly MisconfigRule[] = [
  runAsRootRule,
  healthcheckRule,
  setuidFilesRule,
  addUrlRule,
  secretsInEnvRule,
  packageCacheRule,
  latestBaseRule,
  pipeToShellRule,
  noInstallRecommendsRule,
  sudoRule,
  sshPortRule,
  worldWritableRule,
  wastedBytesRule,
  layerCountRule,
  securityHeadersRule,
]
