// The one source of time. Live runs read the system clock; replay and tests move a virtual one.

/** Something that tells the time; passed everywhere instead of calling Date.now(). */
export interface Clock {
  now(): Date;
}

/** The real wall clock, for live runs. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; replay and tests own it. */
export class VirtualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  /** Move the clock to `to`; it never runs backwards. */
  set(to: Date): void {
    if (to.getTime() > this.current.getTime()) this.current = new Date(to.getTime());
  }
}
