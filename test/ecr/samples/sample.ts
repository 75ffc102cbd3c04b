/**
 * One sample request per ECR operation for test/ecr/shapes.test.ts, which sends every sample to
 * one real server, in list order, and checks request and response against the service model.
 * A sample may prepare what it needs first (push an image, start a scan) and return its request.
 * Each operation family keeps its samples in its own file here; shapes.test.ts lists the files.
 */
import type { AccessKey, EcrServer } from '../ecr-fixture.ts'

export type SampleRequest = Record<string, unknown>

export interface Sample {
  readonly operation: string
  readonly request: SampleRequest | ((s: EcrServer, key: AccessKey) => Promise<SampleRequest>)
}
