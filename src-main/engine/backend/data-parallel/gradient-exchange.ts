/**
 * Averaging gradients between data-parallel replicas (worker threads of one training process)
 * through shared memory. wasm runs one thread per tfjs instance, so a second replica on the
 * second core trains on the other half of each batch; after every step each replica publishes
 * its gradients here, waits for the others and gets the mean, then applies the same update, so
 * the replicas' weights stay identical without ever sending weights.
 *
 * Layout of the SharedArrayBuffer: two Int32 counters (arrived, generation), then two sets (one
 * per step parity) of one slot per replica holding all gradients back to back. Alternating sets
 * means a fast replica writing step k+1 never overwrites what a slow one still reads of step k.
 * A third counter is the abort flag: a replica that fails (or the group's owner, seeing a worker
 * die) raises it so that no replica waits for one that will never arrive.
 */

const ARRIVED = 0
const GENERATION = 1
/** Set to 1 by `abort`: every waiting and later call throws. */
const ABORTED = 2
const HEADER_BYTES = 16

export interface ExchangeShape {
  replicas: number
  /** Floats in each gradient, in the order they are passed. */
  sizes: readonly number[]
}

/** Thrown by `allReduceMean` when the exchange was aborted or a replica did not arrive in time. */
export class ExchangeAbortedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ExchangeAbortedError'
  }
}

function totalFloats(sizes: readonly number[]): number {
  return sizes.reduce((a, b) => a + b, 0)
}

/** The shared buffer for an exchange of this shape; hand the same buffer to every replica. */
export function createExchangeBuffer(shape: ExchangeShape): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + 2 * shape.replicas * totalFloats(shape.sizes) * 4)
}

export class GradientExchange {
  private readonly control: Int32Array
  /** slots[set][replica]: one replica's gradients, all variables back to back. */
  private readonly slots: Float32Array[][]
  private readonly mean: Float32Array
  private readonly offsets: number[]

  constructor(
    buffer: SharedArrayBuffer,
    private readonly replica: number,
    private readonly shape: ExchangeShape,
    /** How long a replica waits for the others in one step before giving up. */
    private readonly timeoutMs = Infinity,
  ) {
    const floats = totalFloats(shape.sizes)
    if (buffer.byteLength !== HEADER_BYTES + 2 * shape.replicas * floats * 4) {
      throw new Error('gradient exchange buffer does not match its shape')
    }
    if (replica < 0 || replica >= shape.replicas) throw new Error(`no replica ${replica}`)
    this.control = new Int32Array(buffer, 0, 3)
    this.slots = [0, 1].map((set) =>
      Array.from(
        { length: shape.replicas },
        (_, r) => new Float32Array(buffer, HEADER_BYTES + (set * shape.replicas + r) * floats * 4, floats),
      ),
    )
    this.mean = new Float32Array(floats)
    this.offsets = []
    let offset = 0
    for (const size of shape.sizes) {
      this.offsets.push(offset)
      offset += size
    }
  }

  /**
   * This replica's slot for the coming step, one view per gradient: write the gradients here
   * (straight from where they were computed, no copy in between), then call `reduce`.
   */
  slot(): Float32Array[] {
    this.throwIfAborted()
    const set = this.slots[Atomics.load(this.control, GENERATION) & 1]
    return this.views(set[this.replica])
  }

  /**
   * Publishes this replica's gradients, waits until every replica has published its own for
   * this step, and returns their element-wise mean per gradient. The returned arrays are views
   * reused by the next call: consume them before calling again. With `weight`, this replica's
   * gradients count `weight` times (a weighted mean when the weights average 1).
   */
  async allReduceMean(gradients: readonly ArrayLike<number>[], weight = 1): Promise<Float32Array[]> {
    const { sizes } = this.shape
    if (gradients.length !== sizes.length) throw new Error('gradient count does not match the exchange')
    const slot = this.slot()
    gradients.forEach((g, i) => {
      if (g.length !== sizes[i]) throw new Error(`gradient ${i} has ${g.length} values, expected ${sizes[i]}`)
      slot[i].set(g)
    })
    return this.reduce(weight)
  }

  /** `allReduceMean` of what this replica wrote into its `slot()`. */
  async reduce(weight = 1): Promise<Float32Array[]> {
    const { replicas } = this.shape
    this.throwIfAborted()
    const generation = Atomics.load(this.control, GENERATION)
    const set = this.slots[generation & 1]
    const mine = set[this.replica]
    if (weight !== 1) for (let i = 0; i < mine.length; i++) mine[i] *= weight
    if (Atomics.add(this.control, ARRIVED, 1) + 1 === replicas) {
      Atomics.store(this.control, ARRIVED, 0)
      Atomics.add(this.control, GENERATION, 1)
      Atomics.notify(this.control, GENERATION)
    } else {
      await waitWhileEqual(this.control, GENERATION, generation, this.timeoutMs)
      this.throwIfAborted()
      if (Atomics.load(this.control, GENERATION) === generation) {
        this.abort()
        throw new ExchangeAbortedError(
          `a replica did not deliver its gradients within ${Math.round(this.timeoutMs)} ms`,
        )
      }
    }
    meanOf(set, this.mean)
    return this.views(this.mean)
  }

  /** One view per gradient into `floats` (a slot or the mean). */
  private views(floats: Float32Array): Float32Array[] {
    return this.shape.sizes.map((size, i) => floats.subarray(this.offsets[i], this.offsets[i] + size))
  }

  /** Makes every replica's waiting and next call throw; safe from any thread, any number of times. */
  abort(): void {
    Atomics.store(this.control, ABORTED, 1)
    Atomics.notify(this.control, GENERATION)
  }

  get aborted(): boolean {
    return Atomics.load(this.control, ABORTED) === 1
  }

  private throwIfAborted(): void {
    if (this.aborted) throw new ExchangeAbortedError('the gradient exchange was aborted')
  }
}

/** out[i] = the mean of slots[r][i] over the replicas, in one pass. */
function meanOf(slots: readonly Float32Array[], out: Float32Array): void {
  const scale = 1 / slots.length
  if (slots.length === 2) {
    const [a, b] = slots
    for (let i = 0; i < out.length; i++) out[i] = (a[i] + b[i]) * scale
    return
  }
  for (let i = 0; i < out.length; i++) {
    let sum = 0
    for (const slot of slots) sum += slot[i]
    out[i] = sum * scale
  }
}

/**
 * Resolves once `array[index]` is no longer `value`, the exchange is aborted, or `timeoutMs`
 * passed, without blocking the event loop.
 */
async function waitWhileEqual(
  array: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (Atomics.load(array, index) === value && Atomics.load(array, ABORTED) === 0) {
    const left = deadline - performance.now()
    if (left <= 0) return
    const result = Atomics.waitAsync(array, index, value, left === Infinity ? undefined : left)
    if (result.async) await result.value
  }
}
