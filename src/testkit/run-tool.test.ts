import assert from 'node:assert/strict'
import { test } from 'node:test'
import { findTool, mustRun, requireTool, runTool, ToolError } from './run-tool.ts'

test('runTool captures stdout, stderr and the exit code', async () => {
  const r = await runTool('sh', ['-c', 'echo out; echo err >&2; exit 3'])
  assert.equal(r.code, 3)
  assert.equal(r.stdout, 'out\n')
  assert.equal(r.stderr, 'err\n')
})

test('mustRun throws a ToolError that carries the tool stderr', async () => {
  await assert.rejects(mustRun('sh', ['-c', 'echo broken pipe dream >&2; exit 1']), (err: unknown) => {
    assert.ok(err instanceof ToolError)
    assert.match(err.message, /exited with 1/)
    assert.match(err.message, /broken pipe dream/)
    return true
  })
})

test('a tool that runs too long is killed and reported as timed out', async () => {
  const started = Date.now()
  const r = await runTool('sleep', ['30'], { timeoutMs: 200 })
  assert.equal(r.timedOut, true)
  assert.equal(r.signal, 'SIGKILL')
  assert.ok(Date.now() - started < 10_000)
  await assert.rejects(mustRun('sleep', ['30'], { timeoutMs: 200 }), /timed out/)
})

test('stdin input and extra environment reach the tool', async () => {
  const r = await mustRun('sh', ['-c', 'cat; printf "%s" "$DRYDOCK_PROBE"'], { input: 'in:', env: { DRYDOCK_PROBE: 'env' } })
  assert.equal(r.stdout, 'in:env')
})

test('requireTool finds real binaries and fails loudly with an install hint otherwise', () => {
  assert.ok(findTool('sh'))
  assert.throws(() => requireTool('drydock-no-such-tool-xyz'), /not installed: run \.ci\/run/)
})
