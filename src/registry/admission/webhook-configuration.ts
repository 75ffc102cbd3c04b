/**
 * The Kubernetes objects that register Drydock's webhooks with a cluster (docs/admission.md):
 * a ValidatingWebhookConfiguration and a MutatingWebhookConfiguration
 * (admissionregistration.k8s.io/v1), plus the two apiserver files that make the apiserver present
 * a Drydock credential to the webhook (AdmissionConfiguration and its kubeconfig). Pure: the
 * `drydock admission manifests` command reads the CA file and prints these as YAML.
 */
import { ADMISSION_ROUTES_PATHS } from './admission-paths.ts'

/** The resources holding a pod spec, by API group (workload-images.ts knows where the spec is). */
export const WEBHOOK_RULES = [
  { apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers', 'podtemplates'] },
  { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'] },
  { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs', 'cronjobs'] },
] as const

/** A namespace carrying this label with the value `disabled` is not sent to the webhooks. */
export const OPT_OUT_LABEL = 'drydock.io/admission'

export interface LabelRequirement {
  readonly key: string
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
  readonly values?: readonly string[]
}

export interface WebhookOptions {
  /** `https://host[:port]` of `drydock serve`, as the apiserver reaches it. */
  readonly url: string
  /** base64 of the PEM CA bundle; absent: the apiserver's system roots. */
  readonly caBundle?: string
  readonly failurePolicy: 'Fail' | 'Ignore'
  /** 1 to 30 (the API's bounds). */
  readonly timeoutSeconds: number
  /** Extra namespace requirements, on top of the kube-system and opt-out exclusions. */
  readonly namespaceSelector: readonly LabelRequirement[]
  /** Prefix of the configuration objects' names. */
  readonly name: string
}

function webhook(kind: 'validate' | 'mutate', o: WebhookOptions): Record<string, unknown> {
  return {
    name: `${kind}.admission.drydock.io`,
    clientConfig: { url: `${o.url}${ADMISSION_ROUTES_PATHS[kind]}`, ...(o.caBundle ? { caBundle: o.caBundle } : {}) },
    rules: WEBHOOK_RULES.map((r) => ({ ...r, operations: ['CREATE', 'UPDATE'], scope: 'Namespaced' })),
    // Drydock writes no cluster state; a dry run is not audited either.
    sideEffects: 'None',
    failurePolicy: o.failurePolicy,
    timeoutSeconds: o.timeoutSeconds,
    admissionReviewVersions: ['v1'],
    // A Deployment sent as apps/v1beta2 is still a Deployment.
    matchPolicy: 'Equivalent',
    namespaceSelector: {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
        { key: OPT_OUT_LABEL, operator: 'NotIn', values: ['disabled'] },
        ...o.namespaceSelector,
      ],
    },
    // Another mutating webhook that changes an image after ours sends the object back to us.
    ...(kind === 'mutate' ? { reinvocationPolicy: 'IfNeeded' } : {}),
  }
}

export function webhookConfigurations(o: WebhookOptions): Record<string, unknown>[] {
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration',
      metadata: { name: `${o.name}-pin-digests` },
      webhooks: [webhook('mutate', o)],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration',
      metadata: { name: `${o.name}-deploy-policy` },
      webhooks: [webhook('validate', o)],
    },
  ]
}

/**
 * The apiserver side: `--admission-control-config-file` names an AdmissionConfiguration whose
 * webhook plugins read a kubeconfig; in it, the user named after the webhook's `host:port` holds
 * the credential the apiserver presents (Basic for a robot's name and secret, Bearer for a token).
 */
export function apiserverFiles(o: { readonly url: string; readonly kubeconfigPath: string; readonly username: string }): { admissionConfiguration: Record<string, unknown>; kubeconfig: Record<string, unknown> } {
  const plugin = (name: string) => ({
    name,
    configuration: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'WebhookAdmissionConfiguration', kubeConfigFile: o.kubeconfigPath },
  })
  const u = new URL(o.url)
  // The apiserver matches users by the webhook's host, with the port when it is not 443.
  const hostPort = u.port === '' || u.port === '443' ? u.hostname : `${u.hostname}:${u.port}`
  return {
    admissionConfiguration: {
      apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AdmissionConfiguration',
      plugins: [plugin('ValidatingAdmissionWebhook'), plugin('MutatingAdmissionWebhook')],
    },
    kubeconfig: {
      apiVersion: 'v1', kind: 'Config',
      users: [{ name: hostPort, user: { username: o.username, password: 'REPLACE-WITH-THE-ROBOT-SECRET' } }],
    },
  }
}
