/**
 * People and roles. A token is 32 random bytes, shown once when the user is added; the
 * database keeps only its SHA-256 (a salt adds nothing against a 256-bit random secret, and an
 * unsalted hash can be looked up by index). `ADMIN_TOKEN` keeps working as the first admin,
 * named `admin`. The two errors about who is asking live here too: a student the caller may not
 * see answers like one who does not exist (NotFoundError), and a role that may not act is refused
 * (ForbiddenError).
 *
 * @module
 */
import { InputError, PipelineError } from "../../pipeline/mod.ts";
import { type Role, ROLES } from "./schema.ts";
import type { Store } from "./store.ts";

/** Who is asking. */
export interface User {
  name: string;
  role: Role;
}

/** The name the `ADMIN_TOKEN` holder goes by. */
export const ADMIN_NAME = "admin";

const encoder = new TextEncoder();

/**
 * The hex SHA-256 of a token.
 *
 * @param token The token.
 * @returns 64 hex digits.
 */
export async function hashToken(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/**
 * Adds a user and makes their token.
 *
 * @param store The store.
 * @param user The name (letters, digits, `.`, `_`, `-`, `@`; at most 64) and role.
 * @returns The token, to show once: it cannot be read back.
 * @throws InputError naming a bad name or role, or a name already taken.
 */
export async function addUser(store: Store, user: User): Promise<string> {
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(user.name) || user.name === ADMIN_NAME) {
    throw new InputError(
      `Invalid user name "${user.name}": expected 1–64 letters, digits, ".", "_", "-" or "@", not "${ADMIN_NAME}"`,
    );
  }
  if (!ROLES.includes(user.role)) {
    throw new InputError(`Invalid role "${user.role}": expected one of ${ROLES.join(", ")}`);
  }
  const token = newToken();
  const taken = await store.db.selectFrom("users").select("id").where("name", "=", user.name)
    .executeTakeFirst();
  if (taken) throw new InputError(`Cannot add user "${user.name}": the name is taken`);
  await store.db.insertInto("users").values({
    name: user.name,
    role: user.role,
    token_hash: await hashToken(token),
    created_at: store.now().toISOString(),
  }).execute();
  return token;
}

/**
 * Finds who holds a token.
 *
 * @param store The store.
 * @param token The bearer token.
 * @param adminToken The configured `ADMIN_TOKEN`, if any.
 * @returns The user, or undefined for an unknown token.
 */
export async function authenticate(
  store: Store,
  token: string,
  adminToken?: string,
): Promise<User | undefined> {
  const hash = await hashToken(token);
  // Both sides hashed: the comparison takes the same time wherever they differ.
  if (adminToken && hash === await hashToken(adminToken)) {
    return { name: ADMIN_NAME, role: "admin" };
  }
  const row = await store.db.selectFrom("users").select(["name", "role"])
    .where("token_hash", "=", hash).executeTakeFirst();
  return row ? { name: row.name, role: row.role } : undefined;
}

/**
 * Lists the users (never their tokens).
 *
 * @param store The store.
 * @returns Name, role and when added, by name.
 */
export async function listUsers(
  store: Store,
): Promise<{ name: string; role: Role; created_at: string }[]> {
  return await store.db.selectFrom("users").select(["name", "role", "created_at"])
    .orderBy("name").execute();
}

/** A cohort or student that does not exist, or that the caller may not see (the same answer). */
export class NotFoundError extends PipelineError {
  /** The HTTP status to answer with. */
  readonly status = 404;
  /** @param message What was not found, naming it. */
  constructor(message: string) {
    super(message);
    this.name = "NotFoundError";
  }
}

/** The caller's role may not do this. */
export class ForbiddenError extends PipelineError {
  /** The HTTP status to answer with. */
  readonly status = 403;
  /** @param message What the role may not do. */
  constructor(message: string) {
    super(message);
    this.name = "ForbiddenError";
  }
}
