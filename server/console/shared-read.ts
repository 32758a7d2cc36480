/**
 * One read shared by every caller within `ttlMs`: when a change reaches fifty open
 * dashboards at once, the database answers once, not fifty times. A caller that knows a
 * change was seen at `freshAfter` (clock time) never gets a read started before it.
 */
export class SharedRead<T> {
  private last: { at: number; value: Promise<T> } | null = null;

  constructor(
    private readonly load: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  get(freshAfter = Number.NEGATIVE_INFINITY): Promise<T> {
    const now = this.clock();
    if (this.last && now - this.last.at < this.ttlMs && this.last.at >= freshAfter) return this.last.value;
    const value = this.load();
    this.last = { at: now, value };
    value.catch(() => {
      if (this.last?.value === value) this.last = null;
    });
    return value;
  }
}
