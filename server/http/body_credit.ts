/**
 * Request-body credit between the TCP front (`guard.ts`) and the routes that read a body as a
 * stream (`limitedBody`): the front passes a body on to the server only as far as the route has
 * read it, plus a window. A route that stops reading (because its answer is not being read) so
 * stops the client's upload once the sockets' buffers are full, whatever `Deno.serve` does.
 *
 * It does not hold the upload itself: in Deno 2.9.6 its HTTP/1 connection reads the request's
 * socket ahead of the route, outside the JavaScript heap, whenever the event loop turns while an
 * answer is being written. A paced route turns every few milliseconds, and a client that sent
 * 106 MB and read no answer had all of it taken into the server's memory (RSS 224 MB), where the
 * unpaced route, which seldom lets the loop turn, stopped at 20–43 MB.
 *
 * The front and the route meet at the front's connection to the server: its local port is the
 * request's remote port on the server. Without the front nothing is credited (nginx, as
 * `deploy/nginx.conf` sets it, streams bodies and answers both ways), so a route whose answer
 * streams must not turn the loop there: the batch route is paced only behind the front.
 *
 * @module
 */

/** How far the front may pass a streamed body beyond what its route has read, in bytes. */
export const CREDIT_BYTES = 1024 * 1024;

/** The route's side of one request's credit. */
export interface BodyAccount {
  /** Counts bytes of the body the route has read. */
  read(bytes: number): void;
  /** Ends the credit: the front passes the rest of the body on as it comes. */
  close(): void;
}

interface Account {
  read: number;
  waiter?: { until: number; resolve: () => void };
}

/** The credit of every connection whose route reads its body as a stream. */
export class BodyCredit {
  #accounts = new Map<number, Account>();
  #windowBytes: number;

  /**
   * Stores the window.
   *
   * @param windowBytes How far the front may pass a body beyond what its route has read.
   */
  constructor(windowBytes: number = CREDIT_BYTES) {
    this.#windowBytes = windowBytes;
  }

  /**
   * Opens the credit of the request from a port (the route's side), ending any left by the
   * connection's previous request.
   *
   * @param port The request's remote port (the front's local port).
   * @returns The account the route counts its reads in.
   */
  open(port: number): BodyAccount {
    this.release(port);
    const account: Account = { read: 0 };
    this.#accounts.set(port, account);
    return {
      read: (bytes) => {
        account.read += bytes;
        const waiter = account.waiter;
        if (waiter && account.read >= waiter.until) {
          account.waiter = undefined;
          waiter.resolve();
        }
      },
      close: () => {
        if (this.#accounts.get(port) === account) this.release(port);
      },
    };
  }

  /**
   * What the front waits for before passing more of a body (the front's side).
   *
   * @param port The front's local port on its connection to the server.
   * @param passed Bytes of the current body passed on so far.
   * @returns A promise settled once the route has read enough, or undefined when the front may
   *   go on at once (within the window, or no route reads this body as a stream).
   */
  wait(port: number, passed: number): Promise<void> | undefined {
    const account = this.#accounts.get(port);
    if (!account || passed - account.read <= this.#windowBytes) return undefined;
    const { promise, resolve } = Promise.withResolvers<void>();
    account.waiter?.resolve();
    account.waiter = { until: passed - this.#windowBytes, resolve };
    return promise;
  }

  /**
   * Ends a connection's credit (a new request began, or the connection closed): a waiting front
   * goes on.
   *
   * @param port The front's local port.
   */
  release(port: number): void {
    const account = this.#accounts.get(port);
    this.#accounts.delete(port);
    account?.waiter?.resolve();
  }

  /** Connections with credit open (for tests and leaks). */
  get size(): number {
    return this.#accounts.size;
  }
}
