/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in CI logs or
 * when output is piped), so machine-readable stdout stays clean.
 */
export interface Progress {
  update(done: number, total: number, label?: string): void
  finish(): void
}

const NOOP: Progress = { update: () => {}, finish: () => {} }

export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env['CI'] === 'true') return NOOP
  let last = 0
  return {
    update(done, total, label = '') {
      const now = performance.now()
      if (now - last < 80 && done < total) return
      last = now
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 40))
      const ratio = total > 0 ? Math.min(1, done / total) : 0
      const filled = Math.round(ratio * width)
      const pct = `${Math.round(ratio * 100)}`.padStart(3)
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${label.slice(0, 30)}\u001b[K`)
    },
    finish() {
      stream.write('\r\u001b[K')
    },
  }
}
