import assert from "node:assert/strict";
import { storeTest } from "./_testing.ts";
import { appendAudit, auditCsv, listAudit } from "./audit.ts";

storeTest("listAudit() pages the log oldest first and auditCsv() exports it", async (store) => {
  for (let i = 0; i < 5; i++) {
    await appendAudit(store.db, store.now(), {
      actor: "alice",
      action: "student.read",
      cohort_id: 1,
      student_id: i === 4 ? "=cmd()" : `s${i}`,
    });
  }
  const all = await listAudit(store);
  assert.equal(all.length, 5);
  const page = await listAudit(store, { after: all[1].id, limit: 2 });
  assert.deepEqual(page.map((e) => e.id), [all[2].id, all[3].id]);
  const csv = auditCsv(all).trim().split("\n");
  assert.equal(csv[0], "id,at,actor,action,cohort_id,student_id,detail");
  assert.equal(csv.length, 6);
  assert.ok(!csv[5].includes(",=cmd()"), "a formula is neutralised");
});
