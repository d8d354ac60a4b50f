/** The process's CPU use between two samples, as /varz `cpu` reports it (nats-server samples it periodically). */
export class CpuUsage {
  private last = process.cpuUsage();
  private lastAt = Date.now();

  /** Percent of one core used since the previous call. */
  percent(): number {
    const now = Date.now();
    const used = process.cpuUsage(this.last);
    const elapsed = (now - this.lastAt) * 1000;
    this.last = process.cpuUsage();
    this.lastAt = now;
    if (elapsed <= 0) return 0;
    return Math.round(((used.user + used.system) / elapsed) * 1000) / 10;
  }
}
