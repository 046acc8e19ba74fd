/**
 * The admin guard: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant
 * time. It runs before any body is read; with no token configured every admin
 * route answers 403, so there is no default token to guess.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

const encoder = new TextEncoder();

/**
 * Compares two strings in time independent of where they differ: both are
 * hashed first, so the comparison also hides the token's length.
 *
 * @param a One string.
 * @param b The other.
 * @returns Whether they are equal.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  const u = new Uint8Array(x);
  const v = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < u.length; i++) diff |= u[i] ^ v[i];
  return diff === 0;
}

/**
 * Middleware admitting only requests bearing the admin token.
 *
 * @param token The configured token, or undefined when admin is disabled.
 * @returns The middleware (401 without or with a wrong token, 403 when disabled).
 */
export function adminOnly(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!token) {
      return c.json({ error: "Admin disabled: set ADMIN_TOKEN to enable admin routes" }, 403);
    }
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !(await constantTimeEqual(match[1], token))) {
      return c.json(
        { error: "Unauthorized: admin routes need Authorization: Bearer <ADMIN_TOKEN>" },
        401,
        { "WWW-Authenticate": 'Bearer realm="admin"' },
      );
    }
    return await next();
  };
}
