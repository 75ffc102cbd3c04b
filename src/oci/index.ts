// The public surface of the pure OCI model (no I/O). The only barrel in src/oci.
export * from './errors.ts'
export * from './digest.ts'
export * from './media-types.ts'
export * from './descriptor.ts'
export * from './manifest.ts'
export * from './strict-json.ts'
export * from './image-config.ts'
export * from './reference.ts'
