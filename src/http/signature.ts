import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** The DER header of an Ed25519 public key in SubjectPublicKeyInfo form; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** An Ed25519 signature: 64 bytes, in hex as Discord sends it. */
const SIGNATURE_HEX = /^[0-9a-f]{128}$/i;

/** The application's public key (General Information → Public Key: 64 hex digits) as Node's crypto takes it. */
export function publicKeyFromHex(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

/**
 * Whether Discord signed this request: `X-Signature-Ed25519` over `X-Signature-Timestamp` followed by the raw body,
 * checked before the body is parsed. Discord sends wrongly signed requests on purpose from time to time, and removes
 * an endpoint that accepts them.
 */
export function isSignedByDiscord(
  key: KeyObject,
  signature: string | undefined,
  timestamp: string | undefined,
  body: Buffer,
): boolean {
  if (signature === undefined || timestamp === undefined || !SIGNATURE_HEX.test(signature)) return false;
  return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), key, Buffer.from(signature, 'hex'));
}
