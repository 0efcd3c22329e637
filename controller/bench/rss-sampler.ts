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

export class RssSampler {
  private peak = 0;
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 5) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    this.samples++;
  }

  stop(): RssPeak {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return { sampledBytes: this.peak, maxRssBytes: process.resourceUsage().maxRSS * 1024, samples: this.samples };
  }
}
