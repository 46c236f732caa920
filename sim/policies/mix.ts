/**
 * A 32-bit integer mixer (murmur3's finaliser): the deterministic stand-in for BEP 40 peer
 * priorities (a mix of the remote id and a per-host salt) and for per-policy draw sequences that
 * need no HostView. Returns an unsigned 32-bit number.
 */
export function mix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
