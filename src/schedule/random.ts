/** A seeded uniform generator on [0, 1) (mulberry32): small, fast and the same on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed for runs that did not ask for one; recorded in the plan so the run can be repeated. */
export function freshSeed(): number {
  return Math.floor(Math.random() * 4_294_967_296);
}
