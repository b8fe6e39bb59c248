// A small least-recently-used map with a fixed capacity: decoded frames of a video overlap between neighbouring
// samples (t-3, t, t+3 and the motion pair t-1, t+1), so keeping the last few avoids decoding them again, while the
// bound keeps memory flat however long the video is.

/** Least-recently-used cache holding at most `capacity` entries. */
export class LruCache<Key, Value> {
  private readonly entries = new Map<Key, Value>();

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`LRU capacity must be at least 1, got ${capacity}`);
  }

  /** Entries held now (never more than `capacity`). */
  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, marked as most recently used, or undefined. */
  get(key: Key): Value | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: Key, value: Value): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as Key;
      this.entries.delete(oldest);
    }
  }

  /** The cached value, or `produce()`'s, stored; a promise is cached at once so concurrent callers share it. */
  getOrCreate(key: Key, produce: () => Value): Value {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = produce();
    this.set(key, value);
    return value;
  }
}
