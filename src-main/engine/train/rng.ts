/**
 * A small seeded random number generator (xoshiro128**) whose whole state is four numbers, so a
 * checkpoint can store it and a resumed run draws exactly what the uninterrupted one would have.
 */

/** The generator's state: four unsigned 32-bit words. */
export type RngState = [number, number, number, number]

export class Rng {
  private s: Uint32Array

  /** Seeds from an integer (spread with splitmix32) or restores a saved state. */
  constructor(seedOrState: number | RngState) {
    if (typeof seedOrState === 'number') {
      let x = seedOrState >>> 0
      this.s = new Uint32Array(4).map(() => {
        x = (x + 0x9e3779b9) >>> 0
        let z = x
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
        return (z ^ (z >>> 16)) >>> 0
      })
      if (this.s.every((word) => word === 0)) this.s[0] = 1
    } else {
      this.s = Uint32Array.from(seedOrState)
    }
  }

  /** The state to save; `new Rng(state)` continues from here. */
  get state(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]]
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.s
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0
    const t = s[1] << 9
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = rotl(s[3], 11)
    return result
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x1_0000_0000
  }

  /** An integer in [0, n) without modulo bias. */
  below(n: number): number {
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n)
    let x = this.nextUint32()
    while (x >= limit) x = this.nextUint32()
    return x % n
  }

  /** Shuffles in place (Fisher-Yates) and returns the array. */
  shuffle<T extends { length: number; [i: number]: number }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.below(i + 1)
      const tmp = array[i]
      array[i] = array[j]
      array[j] = tmp
    }
    return array
  }
}

/** A well-spread 31-bit seed for stream `index` of a run seeded with `seed` (layers, images). */
export function mixSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d)
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b)
  return (h ^ (h >>> 16)) >>> 1
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}
