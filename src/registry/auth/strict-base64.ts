/**
 * Strict base64 decoders for credentials. Node's Buffer.from(…, 'base64url') skips characters
 * outside the alphabet and ignores extra bits, so `sig!!`, `sig==` or a different last character
 * decode to the same bytes as `sig`: a token or credential would then have many spellings, and a
 * signature check on the decoded bytes would accept them all. These decoders accept exactly one
 * spelling per byte string: only the alphabet, padding exactly as the variant requires, and the
 * unused low bits of the last character zero. They return undefined for anything else.
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Unpadded base64url (RFC 4648 §5, as JWS uses it, RFC 7515 §2). */
export function decodeBase64Url(text: string): Buffer | undefined {
  // A length of 1 mod 4 cannot come from any byte string.
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined
  return canonical(text, Buffer.from(text, 'base64url'), 'base64url')
}

/** Padded standard base64 (RFC 4648 §4), as HTTP Basic credentials use it (RFC 7617). */
export function decodeBase64(text: string): Buffer | undefined {
  if (!BASE64.test(text)) return undefined
  return canonical(text, Buffer.from(text, 'base64'), 'base64')
}

/** Re-encoding must give back the input, or the last character carried nonzero unused bits. */
function canonical(text: string, bytes: Buffer, encoding: 'base64' | 'base64url'): Buffer | undefined {
  return bytes.toString(encoding) === text ? bytes : undefined
}
