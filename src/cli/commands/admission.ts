// `drydock admission manifests`: the Kubernetes objects that send Pods and workloads to the
// admission webhooks of `drydock serve` (docs/admission.md), printed as YAML for
// `kubectl apply -f -`; with --apiserver-config, the two kube-apiserver files that make it present
// a Drydock credential to the webhooks. Nothing is contacted, no secret is read or printed.
import { readFile } from 'node:fs/promises'
import { stringify } from 'yaml'
import { parseCommandArgs } from '../args.ts'
import { EXIT, UsageError } from '../exit-codes.ts'
import { apiserverFiles, OPT_OUT_LABEL, webhookConfigurations, type LabelRequirement } from '../../registry/admission/webhook-configuration.ts'

const HELP = `Usage: drydock admission manifests --url https://HOST[:PORT] [options]

Prints a MutatingWebhookConfiguration (pins every image on this registry to the digest that was
checked) and a ValidatingWebhookConfiguration (refuses what the deploy policies refuse) for
Pods, ReplicationControllers, PodTemplates, Deployments, ReplicaSets, StatefulSets, DaemonSets,
Jobs and CronJobs, on CREATE and UPDATE. Apply them with: drydock admission manifests ... | kubectl apply -f -

Namespaces are excluded when named kube-system or labelled ${OPT_OUT_LABEL}=disabled.

Options:
  --url URL                    https://HOST[:PORT] of drydock serve as the kube-apiserver reaches it
                               (required; webhooks must use TLS: drydock serve --tls-cert/--tls-key)
  --ca FILE                    PEM file of the CA (or the self-signed certificate) of the server
                               certificate, put in caBundle; without it the apiserver's system roots
  --namespace-selector EXPR    more namespace requirements, comma-separated: key=value, key!=value,
                               key, !key, key in (a b), key notin (a b)
  --timeout SECONDS            timeoutSeconds, 1 to 30 (default 5)
  --failure-policy POLICY      Fail (default: an unreachable Drydock blocks deploys) or Ignore
  --name NAME                  prefix of the configuration names (default drydock)
  --apiserver-config           print instead the AdmissionConfiguration and the kubeconfig the
                               kube-apiserver needs to authenticate to Drydock
  --username NAME              with --apiserver-config: the robot the apiserver logs in as
                               (default robot$ORG+kube; the secret is left for you to fill in)
  --kubeconfig-path PATH       with --apiserver-config: where the kubeconfig will live on the
                               control plane (default /etc/kubernetes/drydock-webhook-kubeconfig.yaml)

Exit codes: 0 printed, 2 bad arguments or unreadable CA file
`

const OPTIONS = {
  url: { type: 'string' },
  ca: { type: 'string' },
  'namespace-selector': { type: 'string' },
  timeout: { type: 'string' },
  'failure-policy': { type: 'string' },
  name: { type: 'string' },
  'apiserver-config': { type: 'boolean' },
  username: { type: 'string' },
  'kubeconfig-path': { type: 'string' },
} as const

/** A DNS-1123 subdomain, as Kubernetes object names must be (the suffixes are added to it). */
const OBJECT_NAME = /^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/
/** Label keys (optional DNS prefix + name) and values, per the Kubernetes label syntax. */
const LABEL_KEY = /^([a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/
const LABEL_VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/

export async function run(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, HELP)
  if (positionals.length !== 1 || positionals[0] !== 'manifests') throw new UsageError(`expected the subcommand "manifests"\n\n${HELP}`)
  const url = webhookUrl(values.url)
  if (values['apiserver-config']) {
    const username = values.username ?? 'robot$ORG+kube'
    const kubeconfigPath = values['kubeconfig-path'] ?? '/etc/kubernetes/drydock-webhook-kubeconfig.yaml'
    const files = apiserverFiles({ url, kubeconfigPath, username })
    process.stdout.write(`# kube-apiserver --admission-control-config-file=/etc/kubernetes/drydock-admission.yaml\n---\n${stringify(files.admissionConfiguration, { lineWidth: 0 })}`)
    process.stdout.write(`# ${kubeconfigPath} (mode 0600): the credential the apiserver presents to Drydock as Basic\n`
      + `# (a robot's name and secret, with pull on the namespaces the cluster deploys from); for a\n`
      + `# personal access token use "token: <PAT>" instead of username and password (sent as Bearer).\n---\n${stringify(files.kubeconfig, { lineWidth: 0 })}`)
    return EXIT.ok
  }
  const timeoutSeconds = integer(values.timeout ?? '5', '--timeout', 1, 30)
  const failurePolicy = values['failure-policy'] ?? 'Fail'
  if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore') throw new UsageError(`--failure-policy must be Fail or Ignore, not '${failurePolicy.slice(0, 40)}'`)
  const name = values.name ?? 'drydock'
  if (!OBJECT_NAME.test(name)) throw new UsageError(`--name must be lower-case letters, digits and '-' (at most 42), not '${name.slice(0, 60)}'`)
  const caBundle = values.ca === undefined ? undefined : await readCaBundle(values.ca)
  const docs = webhookConfigurations({
    url, failurePolicy, timeoutSeconds, name,
    namespaceSelector: parseNamespaceSelector(values['namespace-selector'] ?? ''),
    ...(caBundle ? { caBundle } : {}),
  })
  const header = '# Drydock admission webhooks (docs/admission.md). The kube-apiserver must present a Drydock\n'
    + '# credential: drydock admission manifests --url ... --apiserver-config prints its configuration.\n'
  process.stdout.write(header + docs.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join(''))
  return EXIT.ok
}

function webhookUrl(raw: string | undefined): string {
  if (raw === undefined) throw new UsageError(`--url is required\n\n${HELP}`)
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw new UsageError(`--url: not a URL: '${raw.slice(0, 200)}'`)
  }
  if (u.protocol !== 'https:') throw new UsageError('--url must be https:// (the kube-apiserver calls webhooks over TLS only; start drydock serve with --tls-cert and --tls-key)')
  if (u.username !== '' || u.password !== '' || u.search !== '' || u.hash !== '' || (u.pathname !== '/' && u.pathname !== '')) {
    throw new UsageError('--url is https://HOST[:PORT] only: no credentials, path, query or fragment')
  }
  return `https://${u.host}`
}

function integer(raw: string, what: string, min: number, max: number): number {
  const n = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN
  if (!(n >= min && n <= max)) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, not '${raw.slice(0, 40)}'`)
  return n
}

async function readCaBundle(file: string): Promise<string> {
  let pem: Buffer
  try {
    pem = await readFile(file)
  } catch (err) {
    throw new UsageError(`--ca: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  if (pem.byteLength > 1024 * 1024 || !pem.toString('utf8').includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--ca: ${file} is not a PEM certificate file (expected -----BEGIN CERTIFICATE-----)`)
  }
  return pem.toString('base64')
}

/** `env=prod,team!=x,critical,!legacy,tier in (a b),zone notin (c)` → matchExpressions. */
export function parseNamespaceSelector(raw: string): LabelRequirement[] {
  const out: LabelRequirement[] = []
  // Split on commas outside parentheses.
  const parts = raw.match(/(?:[^,(]|\([^)]*\))+/g) ?? []
  for (const part of parts.map((p) => p.trim()).filter((p) => p !== '')) {
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part)
    const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part)
    const exists = /^(!?)([^=!\s()]+)$/.exec(part)
    let req: LabelRequirement
    if (set) req = { key: set[1] ?? '', operator: set[2] === 'in' ? 'In' : 'NotIn', values: (set[3] ?? '').split(/[\s,]+/).filter((v) => v !== '') }
    else if (eq) req = { key: eq[1] ?? '', operator: eq[2] === '!=' ? 'NotIn' : 'In', values: [eq[3] ?? ''] }
    else if (exists) req = { key: exists[2] ?? '', operator: exists[1] === '!' ? 'DoesNotExist' : 'Exists' }
    else throw new UsageError(`--namespace-selector: cannot read '${part.slice(0, 80)}' (key=value, key!=value, key, !key, key in (a b), key notin (a b))`)
    if (!LABEL_KEY.test(req.key)) throw new UsageError(`--namespace-selector: invalid label key '${req.key.slice(0, 80)}'`)
    if (req.values !== undefined && (req.values.length === 0 || req.values.some((v) => !LABEL_VALUE.test(v)))) {
      throw new UsageError(`--namespace-selector: invalid or missing values for '${req.key}'`)
    }
    out.push(req)
  }
  return out
}
