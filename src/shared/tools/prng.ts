/**
 * A small deterministic pseudo-random generator (mulberry32): the same seed gives the same numbers, so
 * generated data (the demo portfolio, benchmark sessions) is the same on every run. Never for secrets.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
