/**
 * Seeded pseudo-random numbers: Mulberry32 (Tommy Ettinger's 32-bit generator), in [0, 1). Beside the Clock as the
 * other deterministic source every part shares: the same seed gives the same numbers on every machine, so
 * training, bootstrap, synthetic universes and fuzzed requests replay bit for bit.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
