/** Beyond this many keys, buckets that have refilled are forgotten (they hold nothing a new bucket would not). */
const MAX_KEYS = 50_000;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * One token bucket per key (a token, an IP, an organization), in this process's memory: a bucket holds
 * `perMinute` tokens and refills at `perMinute` per minute, so a minute's worth may come in one burst.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMinute: number;
  private readonly refillPerMs: number;
  private readonly now: () => number;

  constructor(input: { perMinute: number; now?: () => number }) {
    this.perMinute = input.perMinute;
    this.refillPerMs = input.perMinute / 60_000;
    this.now = input.now ?? Date.now;
  }

  take(key: string): TakeResult {
    const now = this.now();
    const bucket = this.refilled(this.buckets.get(key), now);
    // Deleting first moves the key to the end, so the map's order is least recently used first.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1)
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.refillPerMs / 1000)),
      };
    bucket.tokens -= 1;
    if (this.buckets.size > MAX_KEYS) this.forgetRefilled(now);
    return { allowed: true };
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket | undefined, now: number): Bucket {
    if (!bucket) return { tokens: this.perMinute, updatedAt: now };
    return {
      tokens: Math.min(this.perMinute, bucket.tokens + (now - bucket.updatedAt) * this.refillPerMs),
      updatedAt: now,
    };
  }

  /** Keeps memory bounded when many keys pass by (rotating IPs or tokens): full buckets first, then the least recently used. */
  private forgetRefilled(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now).tokens >= this.perMinute) this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= MAX_KEYS / 2) break;
      this.buckets.delete(key);
    }
  }
}
