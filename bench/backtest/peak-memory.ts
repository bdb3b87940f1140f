/** The process's peak RSS and heap in use, as often as `sample` is called (e.g. as a backtest's onProgress). */
export class PeakMemory {
  #rss = 0;
  #heapUsed = 0;

  readonly sample = (): void => {
    const m = process.memoryUsage();
    if (m.rss > this.#rss) this.#rss = m.rss;
    if (m.heapUsed > this.#heapUsed) this.#heapUsed = m.heapUsed;
  };

  get rssMiB(): number {
    return this.#rss / 2 ** 20;
  }

  get heapUsedMiB(): number {
    return this.#heapUsed / 2 ** 20;
  }
}
