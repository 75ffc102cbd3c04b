/**
 * The built-in secret rules, as data. Order matters: specific rules come first, so that when a
 * generic rule finds the same secret on the same line the specific finding wins.
 *
 * Formats are from each vendor's documentation: AWS key ids are 20 upper-case characters with
 * an AKIA/ASIA prefix and secrets 40 base64 characters; GitHub tokens are `gh[pousr]_` + 36
 * alphanumerics and fine-grained ones `github_pat_` + 82; GitLab `glpat-` + 20; npm `npm_` +
 * 36; PyPI tokens are macaroons starting `pypi-AgEIcHlwaS5vcmc` (base64 of the pypi.org
 * location); Azure storage account keys are 64 bytes in base64 (86 characters + `==`).
 */
import type { SecretRuleSet } from './secret-rule.ts'

const ROTATE = 'Remove it from the image (and from every layer: deleting it in a later layer does not help), rotate it, and pass it at run time through a secret store or a build secret mount.'

export const BUILTIN_SECRET_RULES: SecretRuleSet = [
  {
    id: 'private-key', category: 'private key', severity: 'HIGH', title: 'Private key',
    remediation: ROTATE, pemBlock: true, keywords: ['private key'],
    regex: /-----BEGIN[ ](?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/g,
  },
  {
    id: 'aws-access-key-id', category: 'AWS', severity: 'CRITICAL', title: 'AWS access key ID',
    remediation: ROTATE, keywords: ['akia', 'asia', 'abia', 'acca'], allow: [/EXAMPLE$/],
    regex: /(?<![A-Za-z0-9])(?<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])/g,
  },
  {
    id: 'aws-secret-access-key', category: 'AWS', severity: 'CRITICAL', title: 'AWS secret access key',
    remediation: ROTATE, keywords: ['secret'], allow: [/EXAMPLEKEY$/],
    regex: /(?<![A-Za-z0-9_])(?:aws_?)?secret_?access_?key["']?\s{0,3}(?:=|:|=>)\s{0,3}["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  },
  {
    id: 'gcp-service-account', category: 'Google Cloud', severity: 'CRITICAL', title: 'GCP service account key (JSON)',
    remediation: ROTATE, keywords: ['private_key_id'],
    regex: /"private_key_id"\s{0,3}:\s{0,3}"(?<secret>[0-9a-f]{40})"/g,
  },
  {
    id: 'azure-storage-account-key', category: 'Azure', severity: 'CRITICAL', title: 'Azure storage account key',
    remediation: ROTATE, keywords: ['accountkey'],
    regex: /AccountKey\s{0,3}=\s{0,3}(?<secret>[A-Za-z0-9+/]{86}==)/gi,
  },
  {
    id: 'github-pat', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub personal access token',
    remediation: ROTATE, keywords: ['ghp_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>ghp_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g,
  },
  {
    id: 'github-fine-grained-pat', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub fine-grained personal access token',
    remediation: ROTATE, keywords: ['github_pat_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])/g,
  },
  {
    id: 'github-oauth', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub OAuth access token',
    remediation: ROTATE, keywords: ['gho_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>gho_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g,
  },
  {
    id: 'github-app-token', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub App token',
    remediation: ROTATE, keywords: ['ghu_', 'ghs_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>gh[us]_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g,
  },
  {
    id: 'github-refresh-token', category: 'GitHub', severity: 'CRITICAL', title: 'GitHub refresh token',
    remediation: ROTATE, keywords: ['ghr_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>ghr_[A-Za-z0-9]{36,76})(?![A-Za-z0-9])/g,
  },
  {
    id: 'gitlab-pat', category: 'GitLab', severity: 'CRITICAL', title: 'GitLab personal access token',
    remediation: ROTATE, keywords: ['glpat-'],
    regex: /(?<![A-Za-z0-9_-])(?<secret>glpat-[A-Za-z0-9_-]{20,50})(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'slack-token', category: 'Slack', severity: 'HIGH', title: 'Slack token',
    remediation: ROTATE, keywords: ['xoxb-', 'xoxa-', 'xoxp-', 'xoxr-', 'xoxs-'],
    regex: /(?<![A-Za-z0-9-])(?<secret>xox[baprs]-[0-9A-Za-z-]{10,250})(?![A-Za-z0-9-])/g,
  },
  {
    id: 'slack-webhook-url', category: 'Slack', severity: 'MEDIUM', title: 'Slack incoming webhook URL',
    remediation: ROTATE, keywords: ['hooks.slack.com'],
    regex: /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/(?<secret>[A-Za-z0-9_]{8,12}\/[A-Za-z0-9_]{8,12}\/[A-Za-z0-9_]{20,40})(?![A-Za-z0-9_])/g,
  },
  {
    id: 'stripe-secret-key', category: 'Stripe', severity: 'CRITICAL', title: 'Stripe secret or restricted key',
    remediation: ROTATE, keywords: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>[sr]k_(?:live|test)_[0-9A-Za-z]{24,99})(?![A-Za-z0-9])/g,
  },
  {
    id: 'npm-access-token', category: 'npm', severity: 'CRITICAL', title: 'npm access token',
    remediation: ROTATE, keywords: ['npm_'],
    regex: /(?<![A-Za-z0-9_])(?<secret>npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g,
  },
  {
    id: 'pypi-upload-token', category: 'PyPI', severity: 'CRITICAL', title: 'PyPI upload token',
    remediation: ROTATE, keywords: ['pypi-ageichlwas5vcmc'],
    regex: /(?<![A-Za-z0-9_-])(?<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,1000})(?![A-Za-z0-9_-])/g,
  },
  {
    id: 'docker-config-auth', category: 'Docker', severity: 'HIGH', title: 'Registry credentials in a Docker config.json',
    remediation: ROTATE, keywords: ['"auth"'], rejectPlaceholders: true, path: /(?:^|\/)(?:config\.json|\.dockercfg|auth\.json)$/,
    regex: /"auth"\s{0,3}:\s{0,3}"(?<secret>[A-Za-z0-9+/=]{8,2048})"/g,
  },
  {
    id: 'npmrc-auth-token', category: 'npm', severity: 'HIGH', title: 'npm registry credentials in .npmrc',
    remediation: ROTATE, keywords: ['_auth', '_password'], path: /(?:^|\/)\.?npmrc$/, rejectPlaceholders: true,
    regex: /(?<![A-Za-z0-9_])(?:_authToken|_auth|_password)\s{0,3}=\s{0,3}["']?(?<secret>[^\s"'$]{8,1024})/g,
  },
  {
    id: 'pypirc-password', category: 'PyPI', severity: 'HIGH', title: 'Password in .pypirc',
    remediation: ROTATE, keywords: ['password'], path: /(?:^|\/)\.pypirc$/, rejectPlaceholders: true,
    regex: /^[ \t]{0,16}password[ \t]{0,8}[=:][ \t]{0,8}(?<secret>[^\s$]{4,512})/gm,
  },
  {
    id: 'netrc-password', category: 'netrc', severity: 'HIGH', title: 'Password in .netrc',
    remediation: ROTATE, keywords: ['password'], path: /(?:^|\/)[._]netrc$/, rejectPlaceholders: true,
    regex: /(?<![A-Za-z0-9_])password[ \t\r\n]{1,16}(?<secret>[^\s]{4,512})/g,
  },
  {
    id: 'git-credentials', category: 'git', severity: 'HIGH', title: 'Credentials in .git-credentials',
    remediation: ROTATE, keywords: ['@'], path: /(?:^|\/)\.git-credentials$/, rejectPlaceholders: true,
    regex: /(?<![A-Za-z0-9+.-])https?:\/\/[^\s:@/]{1,256}:(?<secret>[^\s@/]{1,512})@[A-Za-z0-9.-]{1,256}/g,
  },
  {
    id: 'jwt-token', category: 'JWT', severity: 'MEDIUM', title: 'JSON Web Token',
    remediation: ROTATE, keywords: ['eyj'],
    regex: /(?<![A-Za-z0-9_-])(?<secret>eyJ[A-Za-z0-9_-]{8,4096}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8,2048})(?![A-Za-z0-9_-])/g,
  },
  {
    // Assignments such as DB_PASSWORD=..., "apiKey": "...", secret_token: ...; the variable name
    // must end in a secret word and the value must not be a placeholder, a variable or a call
    // (`password = getpass()`: the `reject` group catches the bracket without backtracking), nor
    // words (`more` is the next word on the line, if any: see SecretRule.rejectWordValues).
    id: 'generic-secret-assignment', category: 'generic', severity: 'HIGH', title: 'Secret assigned to a password, secret, token or API key variable',
    remediation: ROTATE, keywords: ['pass', 'secret', 'token', 'key', 'pwd'], rejectPlaceholders: true, minEntropy: 3, rejectCodeValues: true, rejectWordValues: true,
    nameRegex: /(?:passw(?:or)?d|pwd|secret|token|api_?key|apikey|access_?key|private_?key|auth_?key)$/i,
    regex: /(?<![A-Za-z0-9_])(?<name>[A-Za-z_][A-Za-z0-9_]{0,63})["']?(?<op>[ \t]{0,3}(?:=|:=|:|=>)[ \t]{0,3})(?<q>["']?)(?<secret>[^\s"'`;,()<>{}[\]$\\]{6,256})(?<reject>[(\[]?)(?<more>[ \t]{1,64}[^\s#])?/g,
  },
]
