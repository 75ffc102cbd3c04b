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
} as const satisfies Record<string, CommandEntry>

export type CommandName = keyof typeof commands
