/**
 * Graceful shutdown bookkeeping. Deno's `server.shutdown()` drops the request
 * bodies of responses still streaming, so the server drains first: once
 * draining, new requests get 503 with `Connection: close`, and shutdown waits
 * until every held request (and every streaming batch answer) has finished.
 *
 * @module
 */

/** Counts in-flight work and tells when it is all done. */
export class Drain {
  #active = 0;
  #draining = false;
  #idle = Promise.withResolvers<void>();

  /** True once {@linkcode Drain.start} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** The number of requests or streams in flight. */
  get active(): number {
    return this.#active;
  }

  /**
   * Holds the server open for one request or stream.
   *
   * @returns A function releasing the hold (safe to call twice).
   */
  hold(): () => void {
    this.enter();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.leave();
    };
  }

  /**
   * Holds the server open for one request until {@linkcode Drain.leave}: the frame's pair, which
   * makes no closure per request. Each call must be matched by one `leave()`.
   */
  enter(): void {
    this.#active++;
  }

  /** Releases one hold taken by {@linkcode Drain.enter}. */
  leave(): void {
    if (--this.#active === 0 && this.#draining) this.#idle.resolve();
  }

  /**
   * Starts draining and waits until nothing is in flight.
   *
   * @param timeoutMs The longest to wait.
   * @returns True when everything finished in time.
   */
  async start(timeoutMs: number): Promise<boolean> {
    this.#draining = true;
    if (this.#active === 0) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((r) => timer = setTimeout(() => r(false), timeoutMs));
    const done = await Promise.race([this.#idle.promise.then(() => true), late]);
    clearTimeout(timer);
    return done;
  }
}
