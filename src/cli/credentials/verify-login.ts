/**
 * Checks credentials against a registry before `drydock login` stores them: `GET /v2/`, then the
 * challenge's token realm with the credentials (or, for a Basic challenge, /v2/ itself). https
 * first; plain http only for loopback hosts, `--insecure`, or an explicit `http://` address.
 */
import { basicHeader, isLoopbackHost, parseChallenge, requestToken, type RegistryCredentials } from '../../scanner/image/remote/registry-auth.ts'
import { EXIT, ExitError } from '../exit-codes.ts'

const TIMEOUT_MS = 30_000

async function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(url, { headers, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) })
  await res.body?.cancel()
  return res
}

async function reachV2(host: string, scheme: 'https' | 'http' | undefined, insecure: boolean): Promise<{ base: string; res: Response }> {
  const schemes = scheme ? [scheme] : isLoopbackHost(host) || insecure ? ['https', 'http'] : ['https']
  let last: unknown
  for (const s of schemes) {
    try {
      return { base: `${s}://${host}`, res: await get(`${s}://${host}/v2/`) }
    } catch (err) {
      last = err
    }
  }
  throw new ExitError(`cannot reach ${host}/v2/: ${(last as Error).message}${schemes.length === 1 && !scheme ? ' (plain http only for loopback hosts or with --insecure)' : ''}`, EXIT.unreachable)
}

/** 'verified' when the registry accepted the credentials; 'open' when it asks for none. */
export async function verifyLogin(host: string, scheme: 'https' | 'http' | undefined, insecure: boolean, creds: RegistryCredentials): Promise<'verified' | 'open'> {
  const { base, res } = await reachV2(host, scheme, insecure)
  if (res.ok) return 'open'
  if (res.status !== 401) throw new ExitError(`${base}/v2/ answered HTTP ${res.status}: not an OCI registry?`, EXIT.unreachable)
  const challenge = parseChallenge(res.headers.get('www-authenticate') ?? '')
  if (challenge?.scheme === 'basic') {
    const again = await get(`${base}/v2/`, { authorization: basicHeader(creds) })
    if (again.ok) return 'verified'
    throw new ExitError(`${host} refused the credentials (HTTP ${again.status})`, EXIT.unauthorized)
  }
  if (challenge?.scheme !== 'bearer' || !challenge.params['realm']) throw new ExitError(`${host} sent an authentication challenge we cannot answer`, EXIT.unreachable)
  let realm: URL
  try {
    realm = new URL(challenge.params['realm'])
  } catch {
    throw new ExitError(`${host} sent an invalid token realm`, EXIT.unreachable)
  }
  if (realm.protocol !== 'https:' && !isLoopbackHost(realm.host) && !insecure && scheme !== 'http') {
    throw new ExitError(`token realm ${realm.origin} is not https: credentials not sent (use --insecure to allow it)`, EXIT.usage)
  }
  let answer
  try {
    answer = await requestToken(realm, challenge.params['service'], undefined, creds, AbortSignal.timeout(TIMEOUT_MS))
  } catch (err) {
    throw new ExitError(`cannot reach token realm ${realm.origin}: ${(err as Error).message}`, EXIT.unreachable)
  }
  if ('refusedStatus' in answer) throw new ExitError(`${host} refused the credentials (HTTP ${answer.refusedStatus})`, EXIT.unauthorized)
  return 'verified'
}
