import "server-only";

/**
 * Failed sign-ins allowed per window, per client address and for everyone together. The global budget is what stops
 * a guesser who rotates addresses (or `X-Forwarded-For` values); a right token always resets its client's count.
 */
export interface ThrottleLimits {
  readonly perClient: number;
  readonly global: number;
  readonly windowMs: number;
}

export const SIGN_IN_LIMITS: ThrottleLimits = { perClient: 5, global: 50, windowMs: 60_000 };

interface Window {
  start: number;
  failures: number;
}

/** Fixed-window failure counters; a blocked caller learns how long to wait. */
export class FailureThrottle {
  private readonly clients = new Map<string, Window>();
  private everyone: Window = { start: 0, failures: 0 };

  constructor(private readonly limits: ThrottleLimits = SIGN_IN_LIMITS) {}

  /** Seconds until `client` may try again, or 0 when it may try now. */
  retryAfterS(client: string, now = Date.now()): number {
    const waits = [this.wait(this.clients.get(client), this.limits.perClient, now)];
    waits.push(this.wait(this.everyone, this.limits.global, now));
    return Math.max(...waits);
  }

  recordFailure(client: string, now = Date.now()): void {
    this.everyone = this.bump(this.everyone, now);
    this.clients.set(client, this.bump(this.clients.get(client), now));
    // Forget old windows so a flood of addresses cannot grow the map without bound.
    if (this.clients.size > 10_000) {
      for (const [key, w] of this.clients) if (now - w.start >= this.limits.windowMs) this.clients.delete(key);
    }
  }

  recordSuccess(client: string): void {
    this.clients.delete(client);
  }

  /** Forgets every count (tests). */
  reset(): void {
    this.clients.clear();
    this.everyone = { start: 0, failures: 0 };
  }

  private bump(w: Window | undefined, now: number): Window {
    return !w || now - w.start >= this.limits.windowMs
      ? { start: now, failures: 1 }
      : { ...w, failures: w.failures + 1 };
  }

  private wait(w: Window | undefined, limit: number, now: number): number {
    if (!w || w.failures < limit || now - w.start >= this.limits.windowMs) return 0;
    return Math.ceil((w.start + this.limits.windowMs - now) / 1000);
  }
}

/** The address a request came from as Next reports it (`x-forwarded-for`), or "unknown". */
export function clientAddress(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}

/** The process's sign-in throttle (one per server: the session route is its only user). */
export const signInThrottle = new FailureThrottle();
