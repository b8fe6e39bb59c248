// Typed arrays reused from one training step to the next. On this project's machines a fresh large typed array
// costs about 3 ms per MB in page faults (a new 14.7 MB Float32Array: ~43 ms; refilling one already touched: 0.2 ms),
// and a step of the paper's model at 160x320 batch 8 allocated ~100 MB of them: patch rows, dropout masks, loss
// targets, gradients, weight copies. Whoever asks for an array by name gets the same one every step.

/** Float32Arrays by name, kept for reuse; their contents are whatever the last user left (callers write them whole). */
export class Scratch {
  private readonly arrays = new Map<string, Float32Array>();
  private readonly words = new Map<string, Uint32Array>();

  /** The float array called `name` with `length` values (a new one when the length changed). */
  floats(name: string, length: number): Float32Array {
    let array = this.arrays.get(name);
    if (array === undefined || array.length !== length) this.arrays.set(name, (array = new Float32Array(length)));
    return array;
  }

  /** The uint32 array called `name` with `length` values. */
  uint32(name: string, length: number): Uint32Array {
    let array = this.words.get(name);
    if (array === undefined || array.length !== length) this.words.set(name, (array = new Uint32Array(length)));
    return array;
  }

  /** Lets the arrays go. */
  clear(): void {
    this.arrays.clear();
    this.words.clear();
  }
}
