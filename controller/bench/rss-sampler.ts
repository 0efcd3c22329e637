// Peak resident set size while something runs: `process.memoryUsage().rss` sampled on an
// interval (and whenever the caller asks, e.g. between two synchronous renders, when the
// event loop cannot run the timer), beside the kernel's own high-water mark.

export interface RssPeak {
  /** Highest sampled RSS, in bytes. */
  sampledBytes: number;
  /** `process.resourceUsage().maxRSS` in bytes: the process's high-water mark since it started. */
  maxRssBytes: number;
  samples: number;
}

/**
 * Calls `sample` now and every `intervalMs` (the timer does not hold the process); the returned
 * function takes one last sample and stops.
 */
export function sampleEvery(intervalMs: number, sample: () => void): () => void {
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return () => {
    sample();
    clearInterval(timer);
  };
}

export class RssSampler {
  private peak = 0;
  private samples = 0;
  private stopSampling: (() => void) | undefined;

  constructor(private readonly intervalMs = 5) {}

  start(): this {
    this.stopSampling = sampleEvery(this.intervalMs, () => this.sample());
    return this;
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    this.samples++;
  }

  stop(): RssPeak {
    this.stopSampling?.();
    this.stopSampling = undefined;
    return { sampledBytes: this.peak, maxRssBytes: process.resourceUsage().maxRSS * 1024, samples: this.samples };
  }
}
