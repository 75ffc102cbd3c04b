/** A throwaway certificate for 127.0.0.1, made by the real openssl binary, for TLS tests. */
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

export function makeSelfSignedCert(dir: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-keyout', keyFile, '-out', certFile,
    ], { stdio: 'pipe' })
  } catch (err) {
    throw new Error(`this test needs the openssl binary (apt-get install openssl): ${(err as Error).message}`)
  }
  return { certFile, keyFile }
}
