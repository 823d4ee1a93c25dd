// The two content hashes of DataJoint's stores (storage-formats.md A3, B7).
// 0.14.6 keys an object by the raw 16-byte MD5 (shown as a uuid / 32 hex digits); 2.x keys the same
// MD5 as RFC 4648 base32, lower-case, without padding (26 characters). One digest, two spellings.
import { createHash } from 'node:crypto';

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** The 16-byte MD5 digest of `b`. */
export function md5(b: Buffer | Uint8Array): Buffer {
  return createHash('md5').update(b).digest();
}

/** Lower-case base32 without padding, exactly as 2.x's `compute_hash` spells an MD5 digest. */
export function base32Hash(md5Digest: Buffer | Uint8Array): string {
  if (md5Digest.length !== 16)
    throw new Error(`base32Hash expects a 16-byte MD5 digest, got ${md5Digest.length} bytes`);
  return base32(md5Digest);
}

/** RFC 4648 base32 of any bytes, lower-case, padding removed. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes a base32 hash (either case, padding optional) back to bytes; throws on a character outside the alphabet. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').toLowerCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const v = BASE32_ALPHABET.indexOf(ch);
    if (v < 0) throw new Error(`not a base32 character: ${JSON.stringify(ch)}`);
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

/** True when `text` has the shape of a 2.x hash: 26 characters of the lower-case base32 alphabet. */
export function isBase32Hash(text: unknown): text is string {
  return typeof text === 'string' && /^[a-z2-7]{26}$/.test(text);
}

/** The 32 lower-case hex digits 0.14.6 uses in file names (`uuid.hex`). */
export function uuidHex(hash16: Buffer | Uint8Array): string {
  if (hash16.length !== 16) throw new Error(`expected a 16-byte hash, got ${hash16.length} bytes`);
  return Buffer.from(hash16).toString('hex');
}

/** The value of one hex digit's character code (upper or lower case), or -1 for any other character. */
export function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}
