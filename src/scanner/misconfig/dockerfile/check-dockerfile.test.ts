// The Dockerfile rules on a multi-stage Dockerfile: problems in the builder stage are found,
// not only in the final one; runtime rules (USER, HEALTHCHECK) look at the final stage.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkDockerfile } from './check-dockerfile.ts'
import { parseDockerfile } from './parse-dockerfile.ts'

const TOKEN = `ghp_${'Zq8Lm2Rt5Xv9Bn4Kc7Wd1Hy6Jf3Gs0PaE1uT'.slice(0, 36)}`

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG API_TOKEN=${TOKEN}
FROM golang AS build
ENV DB_PASSWORD=mysecretpassword
RUN curl -fsSL https://get.example.com/install.sh | sh
RUN apt-get update && apt-get install -y \\
    git sudo
ADD https://example.com/tool.tar.gz /tmp/
FROM debian:12-slim
EXPOSE 22 8080
RUN apk add curl
COPY --from=build /out /app
USER root
RUN git clone https://ci:${TOKEN.replace('ghp_', 'gho_')}@github.com/acme/app.git
`

describe('Dockerfile lint', () => {
  it('parses every stage with names, lines and ENV pairs', () => {
    const facts = parseDockerfile(DOCKERFILE, 'Dockerfile')
    assert.deepEqual(facts.stages.map((s) => [s.name, s.baseImage, s.from.location.kind === 'dockerfile' ? s.from.location.line : 0]), [['build', 'golang', 3], ['1', 'debian:12-slim', 9]])
    assert.deepEqual(facts.stages[0]?.instructions[0]?.pairs, [{ name: 'DB_PASSWORD', value: 'mysecretpassword' }])
    assert.equal(facts.preamble[0]?.keyword, 'ARG')
  })

  it('finds each problem at its line and stage', () => {
    const found = checkDockerfile(DOCKERFILE, 'Dockerfile')
    const at = found.map((f) => `${f.id}@${f.location?.kind === 'dockerfile' ? `${f.location.line}/${f.location.stage}` : '?'}`)
    for (const want of [
      'CIS-DI-0010@2/global', 'DKL-DI-0006@3/build', 'CIS-DI-0010@4/build', 'DRY-DI-0001@5/build', 'DRY-DI-0002@6/build',
      'DKL-DI-0005@6/build', 'DRY-DI-0003@6/build', 'CIS-DI-0009@8/build', 'DRY-DI-0004@10/1', 'DKL-DI-0005@11/1',
      'CIS-DI-0001@13/1', 'CIS-DI-0006@9/1',
    ]) assert.ok(at.includes(want), `missing ${want} in ${at.join(' ')}`)
    const secret = found.find((f) => f.kind === 'misconfig' && f.id === 'CIS-DI-0010' && f.evidence.includes('DB_PASSWORD'))
    assert.equal(secret?.severity, 'CRITICAL')
    // Secrets outside ENV/ARG/LABEL are secret findings at their line; ENV/ARG ones are not repeated.
    const secrets = found.filter((f) => f.kind === 'secret').map((f) => `${f.id}@${f.location.kind === 'dockerfile' ? `${f.location.line}/${f.location.stage}` : '?'}`)
    assert.deepEqual(secrets, ['github-oauth@14/1'])
    const json = JSON.stringify(found)
    assert.ok(!json.includes('mysecretpassword') && !json.includes(TOKEN) && !json.includes(TOKEN.slice(4)), 'a raw secret leaked into findings')
  })

  it('a clean Dockerfile gives no findings', () => {
    const clean = 'FROM debian:12.5-slim@sha256:' + 'a'.repeat(64) + '\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*\nUSER 1000:1000\nHEALTHCHECK CMD ["/app/health"]\n'
    assert.deepEqual(checkDockerfile(clean, 'Dockerfile'), [])
  })

  it('stage references and ARG-built bases are not flagged as unpinned', () => {
    const df = 'ARG BASE=debian:12\nFROM ${BASE} AS a\nFROM a\nUSER 1\nHEALTHCHECK CMD true\n'
    assert.deepEqual(checkDockerfile(df, 'Dockerfile').map((f) => f.id), [])
  })
})
