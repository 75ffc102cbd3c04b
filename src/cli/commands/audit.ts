// `drydock audit`: query the audit log (admins), or export it as JSON lines.
import { parseCommandArgs } from '../args.ts'
import { EXIT } from '../exit-codes.ts'
import { call, connect, CONNECTION_HELP, CONNECTION_OPTIONS, outputFormat, print } from './management-client.ts'

const USAGE = `Usage: drydock audit [--actor NAME] [--action ACTION] [--repository REPO]
                     [--since ISO-DATE] [--until ISO-DATE] [--format table|json|jsonl]
The default table and json print one page; --format jsonl exports every matching event as JSON lines.
${CONNECTION_HELP}`

export async function run(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...CONNECTION_OPTIONS, actor: { type: 'string' }, action: { type: 'string' }, repository: { type: 'string' },
    since: { type: 'string' }, until: { type: 'string' },
  }, USAGE)
  const format = outputFormat(values.format, ['jsonl'])
  const q = new URLSearchParams()
  for (const k of ['actor', 'action', 'repository', 'since', 'until'] as const) {
    const v = values[k]
    if (v !== undefined) q.set(k, v)
  }
  if (format === 'jsonl') q.set('format', 'jsonl')
  print(await call(await connect(values), 'GET', `/api/v1/audit?${q.toString()}`), format === 'jsonl' ? 'json' : format)
  return EXIT.ok
}
