// What is wrong right now, for `/health` and the logs: a part of Hearth reports a failure (the database refusing
// writes, a channel down) and clears it when it works again.

/** One part's current trouble. */
export interface Problem {
  part: string;
  message: string;
  since: Date;
  /** How many times it failed since it last worked. */
  count: number;
}

/** The problems of a running Hearth, by part. */
export class Health {
  private readonly problems = new Map<string, Problem>();

  /** Record that `part` failed now. */
  fail(part: string, message: string, at: Date = new Date()): void {
    const known = this.problems.get(part);
    if (known) {
      known.message = message;
      known.count++;
    } else {
      this.problems.set(part, { part, message, since: at, count: 1 });
    }
  }

  /** Record that `part` works again. */
  ok(part: string): void {
    this.problems.delete(part);
  }

  /** The current problems, oldest first. */
  list(): Problem[] {
    return [...this.problems.values()].sort((a, b) => a.since.getTime() - b.since.getTime());
  }

  /** True when nothing is wrong. */
  get healthy(): boolean {
    return this.problems.size === 0;
  }
}
