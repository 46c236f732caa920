/**
 * Round-trip time of a pair of peers, a pure function of the run seed and the pair. Drawing it
 * from a stream in dial order would make the latency a peer meets depend on the policy; a hash
 * keeps it common to every policy (common random numbers).
 */
export interface RttSpec {
  median: number;
  sigma: number;
  min: number;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export function pairRtt(seedHash: number, a: number, b: number, spec: RttSpec): number {
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  const h1 = mix(seedHash ^ mix(lo * 0x9e3779b1 + hi));
  const h2 = mix(h1 + 0x6a09e667);
  const u = (h1 + 0.5) / 4294967296;
  const v = (h2 + 0.5) / 4294967296;
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.max(spec.min, spec.median * Math.exp(spec.sigma * z));
}

/** FNV-1a over a string: a stable 32-bit hash of the run seed for per-pair draws. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
