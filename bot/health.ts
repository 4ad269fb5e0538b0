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
  private readonly listeners: ((part: string, problem: Problem | undefined) => void)[] = [];

  /** Be told when a part starts failing (its problem) and when it works again (undefined). */
  onChange(listener: (part: string, problem: Problem | undefined) => void): void {
    this.listeners.push(listener);
  }

  /** Record that `part` failed now. */
  fail(part: string, message: string, at: Date = new Date()): void {
    const known = this.problems.get(part);
    if (known) {
      known.message = message;
      known.count++;
    } else {
      const problem = { part, message, since: at, count: 1 };
      this.problems.set(part, problem);
      for (const l of this.listeners) l(part, problem);
    }
  }

  /** Record that `part` works again. */
  ok(part: string): void {
    if (this.problems.delete(part)) for (const l of this.listeners) l(part, undefined);
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
