// The command table: one entry per `drydock` command, each loaded with a lazy import() so
// that a command pulls in only what it needs. Add new commands here (explicit list, no side effects).

/** What every command module exports: run(argv) resolves to the process exit code. */
export interface CommandModule {
  run(argv: readonly string[]): Promise<number>
}

interface CommandEntry {
  readonly summary: string
  load(): Promise<CommandModule>
}

export const commands = {
  serve: {
    summary: 'start the registry server',
    load: () => import('./commands/serve.ts'),
  },
  scan: {
    summary: 'scan an image for vulnerabilities (CI gate)',
    load: () => import('./commands/scan.ts'),
  },
  sbom: {
    summary: 'write the software bill of materials of an image',
    load: () => import('./commands/sbom.ts'),
  },
  db: {
    summary: 'update, import or inspect the local advisory database',
    load: () => import('./commands/db.ts'),
  },
  key: {
    summary: 'generate a signing key pair (cosign format)',
    load: () => import('./commands/key.ts'),
  },
  sign: {
    summary: 'sign an image digest',
    load: () => import('./commands/sign.ts'),
  },
  verify: {
    summary: 'verify an image\'s signatures',
    load: () => import('./commands/verify.ts'),
  },
  attest: {
    summary: 'attach a signed in-toto attestation to an image',
    load: () => import('./commands/attest.ts'),
  },
  'verify-attestation': {
    summary: 'verify an image\'s attestations',
    load: () => import('./commands/verify-attestation.ts'),
  },
  lint: {
    summary: 'check a Dockerfile for misconfigurations and secrets',
    load: () => import('./commands/lint.ts'),
  },
  user: {
    summary: 'manage users of a registry (or bootstrap the first admin)',
    load: () => import('./commands/user.ts'),
  },
  org: {
    summary: 'manage organizations and repository visibility',
    load: () => import('./commands/org.ts'),
  },
  repo: {
    summary: 'create repositories and change their settings (scan on push, tag immutability); run and undo lifecycle expiry',
    load: () => import('./commands/repo.ts'),
  },
  policy: {
    summary: 'manage deploy policies and break-glass exemptions; check an image against its policy',
    load: () => import('./commands/policy.ts'),
  },
  team: {
    summary: 'manage teams, members and their roles',
    load: () => import('./commands/team.ts'),
  },
  robot: {
    summary: 'manage robot accounts for CI and deployments',
    load: () => import('./commands/robot.ts'),
  },
  token: {
    summary: 'create, list and revoke personal access tokens',
    load: () => import('./commands/token.ts'),
  },
  'access-key': {
    summary: 'create, list and delete access keys for the ECR API (aws ecr ...)',
    load: () => import('./commands/access-key.ts'),
  },
  login: {
    summary: 'check and store credentials for a registry',
    load: () => import('./commands/login.ts'),
  },
  logout: {
    summary: 'forget the credentials stored for a registry',
    load: () => import('./commands/logout.ts'),
  },
  'login-password': {
    summary: 'print a short-lived password for docker login',
    load: () => import('./commands/login-password.ts'),
  },
  audit: {
    summary: 'query or export the registry audit log',
    load: () => import('./commands/audit.ts'),
  },
  gc: {
    summary: 'delete unreferenced blobs and expired uploads now (or --dry-run)',
    load: () => import('./commands/gc.ts'),
  },
  pin: {
    summary: 'check a deploy file\'s images against the policy and pin them by digest',
    load: () => import('./commands/pin.ts'),
  },
  admission: {
    summary: 'print the Kubernetes webhook configurations for the admission webhooks',
    load: () => import('./commands/admission.ts'),
  },
} as const satisfies Record<string, CommandEntry>

export type CommandName = keyof typeof commands
