/** Tag listing and the catalog (spec "Listing tags", distribution's `_catalog`), with `n`/`last` pagination. */
import type { RepositoryName, Tag } from '../../oci/reference.ts'
import type { MetadataStore } from '../metadata/store.ts'
import { nameUnknown } from './errors.ts'

/** Upper bound on `n`, so one request cannot ask for the whole table at once. */
export const MAX_PAGE_SIZE = 10_000

export interface Listing<T> {
  readonly items: readonly T[]
  /** The `last` value for the next page, when there may be more. */
  readonly next?: T
}

export class TagService {
  readonly #store: MetadataStore

  constructor(store: MetadataStore) {
    this.#store = store
  }

  /** Throws NAME_UNKNOWN for a repository that does not exist. */
  async list(repo: RepositoryName, n: number | undefined, last?: Tag): Promise<Listing<Tag>> {
    if (!(await this.#store.repositories.exists(repo))) throw nameUnknown(repo)
    const size = n ?? MAX_PAGE_SIZE
    // Ask for one more than the page, so "is there a next page" needs no extra query.
    const rows = await this.#store.tags.list(repo, { ...(last === undefined ? {} : { last }), n: size + 1 })
    return page(rows, size)
  }

  async catalog(n: number | undefined, last?: RepositoryName): Promise<Listing<RepositoryName>> {
    const size = n ?? MAX_PAGE_SIZE
    const rows = await this.#store.repositories.list({ ...(last === undefined ? {} : { last }), n: size + 1 })
    return page(rows, size)
  }
}

function page<T>(rows: readonly T[], size: number): Listing<T> {
  const items = rows.slice(0, size)
  const last = items[items.length - 1]
  return rows.length > size && last !== undefined ? { items, next: last } : { items }
}
