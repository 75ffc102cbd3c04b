/** Lenient UTF-8 decoding for small text files: invalid bytes become U+FFFD, never an error. */
const decoder = new TextDecoder('utf-8', { fatal: false })

export function decodeSmallText(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}
