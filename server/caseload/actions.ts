/**
 * Actions on a student: what an adviser did, who and when. Any action closes the student's
 * open flag (as Moodle's acknowledged / not useful / incorrectly flagged each settle a prediction).
 *
 * @module
 */
import { InputError } from "../../pipeline/mod.ts";
import { appendAudit } from "./audit.ts";
import { visibleStudent } from "./caseload.ts";
import { ForbiddenError } from "./users.ts";
import { ACTION_KINDS, type ActionKind } from "./schema.ts";
import type { Store } from "./store.ts";
import type { User } from "./users.ts";

/** The longest note kept. */
export const MAX_NOTE = 2000;

/** A recorded action. */
export interface ActionResult {
  id: number;
  kind: ActionKind;
  note: string;
  author: string;
  at: string;
}

/**
 * Records an action and closes the student's flag, in one transaction.
 *
 * @param store The store.
 * @param user The caller (an adviser on their own student, or an admin).
 * @param target The cohort and student.
 * @param action `kind` (one of {@linkcode ACTION_KINDS}) and an optional `note`.
 * @returns The action as stored.
 * @throws InputError naming a bad kind or note; ForbiddenError for a viewer; NotFoundError
 * for a student the caller may not see.
 */
export async function addAction(
  store: Store,
  user: User,
  target: { cohort: number; student: string },
  action: { kind: unknown; note?: unknown },
): Promise<ActionResult> {
  if (user.role === "viewer") throw new ForbiddenError("A viewer may not record actions");
  const kind = action.kind as ActionKind;
  if (!ACTION_KINDS.includes(kind)) {
    throw new InputError(
      `Invalid field "kind": ${JSON.stringify(action.kind)}, expected one of ${
        ACTION_KINDS.join(", ")
      }`,
    );
  }
  const note = action.note ?? "";
  if (typeof note !== "string" || note.length > MAX_NOTE) {
    throw new InputError(`Invalid field "note": expected text of at most ${MAX_NOTE} characters`);
  }
  await visibleStudent(store, user, target.cohort, target.student);
  const at = store.now().toISOString();
  return await store.db.transaction().execute(async (tx) => {
    const { id } = await tx.insertInto("actions").values({
      cohort_id: target.cohort,
      student_id: target.student,
      kind,
      note,
      author: user.name,
      at,
    }).returning("id").executeTakeFirstOrThrow();
    await tx.updateTable("students").set({ flag_open: 0, acted: 1 })
      .where("cohort_id", "=", target.cohort).where("student_id", "=", target.student).execute();
    await appendAudit(tx, store.now(), {
      actor: user.name,
      action: "action.add",
      cohort_id: target.cohort,
      student_id: target.student,
      detail: kind,
    });
    return { id, kind, note, author: user.name, at };
  });
}
