/**
 * The Go structs that clients decode manifests, indexes and image configs into, reduced to what
 * matters for key matching (strict-json.ts): which JSON names are struct fields (matched by Go
 * case-insensitively) and which values are maps (matched exactly). The field lists are the union
 * of the OCI image-spec types (specs-go/v1), Docker's distribution schema2 / manifest list and
 * moby's image and container config types, so a key that any of those would fold onto a field
 * is refused unless spelled exactly. Extra fields only make the check stricter.
 */
import { ANY_JSON, arrayOf, mapOf, structOf, type JsonShape } from './strict-json.ts'

const PLATFORM = structOf({
  architecture: ANY_JSON,
  os: ANY_JSON,
  'os.version': ANY_JSON,
  'os.features': ANY_JSON,
  variant: ANY_JSON,
  features: ANY_JSON,
})

const DESCRIPTOR = structOf({
  mediaType: ANY_JSON,
  digest: ANY_JSON,
  size: ANY_JSON,
  urls: ANY_JSON,
  annotations: mapOf(),
  data: ANY_JSON,
  platform: PLATFORM,
  artifactType: ANY_JSON,
})

/**
 * A manifest or an index: both documents' fields, since which struct a client picks depends on
 * the media type, and `manifests` in a manifest (or `config`/`layers` in an index) is refused as
 * ambiguous anyway (manifest.ts).
 */
export const MANIFEST_SHAPE: JsonShape = structOf({
  schemaVersion: ANY_JSON,
  mediaType: ANY_JSON,
  artifactType: ANY_JSON,
  config: DESCRIPTOR,
  layers: arrayOf(DESCRIPTOR),
  manifests: arrayOf(DESCRIPTOR),
  subject: DESCRIPTOR,
  annotations: mapOf(),
})

const HEALTHCHECK = structOf({
  Test: ANY_JSON, Interval: ANY_JSON, Timeout: ANY_JSON, StartPeriod: ANY_JSON, StartInterval: ANY_JSON, Retries: ANY_JSON,
})

/** OCI ImageConfig and moby's container.Config (Docker writes the latter, also as `container_config`). */
const CONTAINER_CONFIG = structOf({
  Hostname: ANY_JSON,
  Domainname: ANY_JSON,
  User: ANY_JSON,
  AttachStdin: ANY_JSON,
  AttachStdout: ANY_JSON,
  AttachStderr: ANY_JSON,
  ExposedPorts: mapOf(),
  Tty: ANY_JSON,
  OpenStdin: ANY_JSON,
  StdinOnce: ANY_JSON,
  Env: ANY_JSON,
  Cmd: ANY_JSON,
  Healthcheck: HEALTHCHECK,
  ArgsEscaped: ANY_JSON,
  Image: ANY_JSON,
  Volumes: mapOf(),
  WorkingDir: ANY_JSON,
  Entrypoint: ANY_JSON,
  NetworkDisabled: ANY_JSON,
  MacAddress: ANY_JSON,
  OnBuild: ANY_JSON,
  Labels: mapOf(),
  StopSignal: ANY_JSON,
  StopTimeout: ANY_JSON,
  Shell: ANY_JSON,
})

const ROOTFS = structOf({ type: ANY_JSON, diff_ids: ANY_JSON })

const HISTORY = structOf({ created: ANY_JSON, author: ANY_JSON, created_by: ANY_JSON, comment: ANY_JSON, empty_layer: ANY_JSON })

/** An image config blob (OCI image config or Docker container image v1). */
export const IMAGE_CONFIG_SHAPE: JsonShape = structOf({
  created: ANY_JSON,
  author: ANY_JSON,
  architecture: ANY_JSON,
  variant: ANY_JSON,
  os: ANY_JSON,
  'os.version': ANY_JSON,
  'os.features': ANY_JSON,
  config: CONTAINER_CONFIG,
  rootfs: ROOTFS,
  history: arrayOf(HISTORY),
  // Docker (moby image.V1Image) only.
  id: ANY_JSON,
  parent: ANY_JSON,
  comment: ANY_JSON,
  container: ANY_JSON,
  container_config: CONTAINER_CONFIG,
  docker_version: ANY_JSON,
  // moby spells it `Size`, containers/image `size`: both are exact somewhere, never both at once.
  Size: ANY_JSON,
  size: ANY_JSON,
})
