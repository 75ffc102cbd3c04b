/**
 * Plain-text tables for the management commands' answers (user, org, team, robot, token,
 * audit): `{ items: [ {...}, ... ] }` becomes one row per item, a single object becomes
 * FIELD/VALUE rows. Lists print comma-separated, nested objects as compact JSON; control
 * characters (which a server could put in a name) never reach the terminal.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g

function cell(v: unknown): string {
  if (v === undefined || v === null) return ''
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.join(',')
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = rows.map((r) => r.map((c) => c.replace(CONTROL, ' ')))
  const widths = header.map((h, i) => Math.max(h.length, ...clean.map((r) => (r[i] ?? '').length)))
  const line = (r: readonly string[]): string => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()
  return `${[line(header), ...clean.map(line)].join('\n')}\n`
}

function columnName(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()
}

/** One row per object, columns in first-seen key order. */
export function objectsTable(items: readonly Record<string, unknown>[]): string {
  if (items.length === 0) return '(none)\n'
  const keys: string[] = []
  for (const item of items) for (const k of Object.keys(item)) if (!keys.includes(k)) keys.push(k)
  return formatTable(keys.map(columnName), items.map((item) => keys.map((k) => cell(item[k]))))
}

/** An API answer as a table: its one list of objects, else its fields. */
export function answerTable(answer: unknown): string {
  if (typeof answer === 'string') return answer.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ')
  if (typeof answer !== 'object' || answer === null) return `${cell(answer)}\n`
  const entries = Object.entries(answer as Record<string, unknown>)
  if (entries.length === 0) return ''
  const only = entries.length === 1 ? entries[0] : undefined
  if (only && Array.isArray(only[1]) && only[1].every((x) => typeof x !== 'object' || x === null)) {
    return only[1].length === 0 ? '(none)\n' : formatTable([columnName(only[0])], only[1].map((x) => [cell(x)]))
  }
  const lists = entries.filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)))
  if (lists.length === 1 && lists[0]) {
    const [name, list] = lists[0]
    const rest = entries.filter(([k]) => k !== name)
    const head = rest.length > 0 ? formatTable(['FIELD', 'VALUE'], rest.map(([k, v]) => [k, cell(v)])) + '\n' : ''
    return head + objectsTable(list as Record<string, unknown>[])
  }
  return formatTable(['FIELD', 'VALUE'], entries.map(([k, v]) => [k, cell(v)]))
}
