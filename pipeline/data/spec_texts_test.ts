import assert from "node:assert/strict";
import { type DatasetSpec, loadSpec, parseSpec, SchemaError, specTexts } from "../mod.ts";

const DRAFT: DatasetSpec = {
  name: "uni",
  target: { column: "target", positive: "Dropout" },
  leak: ["final_mark"],
  columns: [
    { name: "course", type: "category", values: ["33", "171"] },
    { name: "final_mark", type: "number" },
    { name: "target", type: "category", values: ["Dropout", "Graduate"] },
  ],
  profiles: { all: { features: ["course"] } },
};

Deno.test("specTexts() words a drafted spec from its own fields", () => {
  assert.deepEqual(specTexts(DRAFT), {
    title: "uni",
    description: "",
    event: "target = Dropout",
    positive: "had target = Dropout",
    negative: "had another target",
    definition: "target is Dropout",
    leakNote:
      "final_mark is known only with the outcome: a model given it is right by construction and cannot warn early",
    limits: [
      "Trained on the rows of uni only: other institutions, years or populations need their own data and a retrained model.",
    ],
  });
});

Deno.test("specTexts() takes the committed spec's own words", async () => {
  const texts = specTexts(await loadSpec("data/specs/student_dropout.json"));
  assert.equal(texts.event, "failing the year");
  assert.equal(texts.positive, "failed the year");
  assert.match(texts.leakNote, /^Final_Grade is known only at the end of the year/);
});

Deno.test("parseSpec() names malformed text, sensitive and id fields", () => {
  assert.throws(
    () =>
      parseSpec({
        ...DRAFT,
        outcome: { event: "", positive: "left" },
        limits: "one",
        sensitive: ["gender"],
        ids: ["course", "sid", "sid"],
      }),
    (e) => {
      assert.ok(e instanceof SchemaError);
      const fields = e.issues.map((i) => `${i.column} ${i.value ?? ""}`);
      for (
        const f of [
          "outcome.event ",
          "outcome.negative ",
          "limits one",
          "sensitive gender",
          "ids course",
          "ids sid",
        ]
      ) assert.ok(fields.includes(f), `${f} in ${fields}`);
      return true;
    },
  );
});
