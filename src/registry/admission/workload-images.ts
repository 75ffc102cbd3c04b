/**
 * Where the container images of a Kubernetes object are (issue #13): the admission webhook
 * checks and pins them, `drydock pin` rewrites them in Kubernetes YAML. Both need the same
 * answer, so it lives here, pure: a decoded object in, every image with its JSON pointer
 * (RFC 6901) out. The pointer is what a JSONPatch `replace` names.
 *
 * Only the kinds that hold a pod spec are known; anything else has no images here (a ConfigMap,
 * a Service, a custom resource) and callers let it through.
 */

/** The three container lists of a pod spec, in the order the kubelet starts them. */
export const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const
export type ContainerList = (typeof CONTAINER_LISTS)[number]

/**
 * The path from the object's root to its pod spec, per kind (the core/v1, apps/v1 and batch/v1
 * schemas). Older API groups (extensions/v1beta1, apps/v1beta2, batch/v1beta1) use the same paths.
 */
const POD_SPEC_PATH: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
}

/** The kinds that hold a pod spec (the webhook configuration's rules list their resources). */
export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATH)

export interface WorkloadImage {
  /** JSON pointer (RFC 6901) to the image string, e.g. `/spec/template/spec/containers/0/image`. */
  readonly pointer: string
  /** The image as written in the object. */
  readonly image: string
  readonly list: ContainerList
  /** The container's `name` (empty when the object has none, as in a template being written). */
  readonly container: string
}

/** The object does not have the shape its kind promises (a list that is not a list, ...). */
export class WorkloadShapeError extends Error {
  /** JSON pointer of the offending value. */
  readonly pointer: string
  constructor(pointer: string, message: string) {
    super(`${pointer || '/'}: ${message}`)
    this.name = 'WorkloadShapeError'
    this.pointer = pointer
  }
}

/** RFC 6901 section 3: `~` is written `~0` and `/` is written `~1`. */
export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1')
}

export function toPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(String(t))}`).join('')
}

/** True when `kind` holds a pod spec. */
export function isWorkloadKind(kind: string): boolean {
  return Object.hasOwn(POD_SPEC_PATH, kind)
}

/**
 * Every container image of `object`, initContainers first, then containers, then
 * ephemeralContainers, each list in order. `kind` defaults to the object's own `kind` (an
 * AdmissionReview also says it in `request.kind.kind`). Returns `undefined` when the kind holds no
 * pod spec, and `[]` when it does but the spec or its lists are absent. A container without an
 * image is skipped: workload templates may leave it to a controller. Throws WorkloadShapeError
 * when a value on the way is not what the schema says it is.
 */
export function workloadImages(object: unknown, kind?: string): WorkloadImage[] | undefined {
  if (!isObject(object)) throw new WorkloadShapeError('', 'must be an object')
  const effectiveKind = kind ?? (typeof object['kind'] === 'string' ? object['kind'] : undefined)
  if (effectiveKind === undefined || !isWorkloadKind(effectiveKind)) return undefined
  const path = POD_SPEC_PATH[effectiveKind] ?? []
  let node: unknown = object
  for (let i = 0; i < path.length; i++) {
    const next = (node as Record<string, unknown>)[path[i] ?? '']
    if (next === undefined || next === null) return []
    if (!isObject(next)) throw new WorkloadShapeError(toPointer(path.slice(0, i + 1)), 'must be an object')
    node = next
  }
  return podSpecImages(node as Record<string, unknown>, path)
}

function podSpecImages(spec: Record<string, unknown>, specPath: readonly string[]): WorkloadImage[] {
  const images: WorkloadImage[] = []
  for (const list of CONTAINER_LISTS) {
    const containers = spec[list]
    if (containers === undefined || containers === null) continue
    if (!Array.isArray(containers)) throw new WorkloadShapeError(toPointer([...specPath, list]), 'must be a list')
    containers.forEach((container: unknown, index) => {
      const at = [...specPath, list, index]
      if (!isObject(container)) throw new WorkloadShapeError(toPointer(at), 'must be an object')
      const image = container['image']
      if (image === undefined || image === null || image === '') return
      if (typeof image !== 'string') throw new WorkloadShapeError(toPointer([...at, 'image']), 'must be a string')
      const name = container['name']
      images.push({ pointer: toPointer([...at, 'image']), image, list, container: typeof name === 'string' ? name : '' })
    })
  }
  return images
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
