// @ts-check
/**
 * The model view: the profile's active model with its test metrics and 95 %
 * bootstrap intervals, ROC curve, confusion matrix and fairness by group; the
 * profile's versions with activate (rollback); and, with the admin token,
 * uploading training data and retraining with a progress bar fed by the job
 * endpoint.
 *
 * @module
 */
import { adminToken, api, setAdminToken } from "./api.js";
import { byId, count, h, label, pct, showError } from "./dom.js";
import { confusionTable, fairnessTables, fixed, metricsTable, rocFigure } from "./model_tables.js";
import { draw } from "./plotly.js";
import { driftSentence } from "./drift.js";

/**
 * @typedef {import("./api.js").ModelSummary} ModelSummary
 * @typedef {import("./api.js").Job} Job
 */

/**
 * Wires the model view.
 *
 * @param {{ profile: string; spec: import("./api.js").SpecAnswer }} state The page's state.
 * @returns {{ show(): Promise<void> }} What the page calls when the view is opened or the profile changes.
 */
export function modelView(state) {
  const active = byId("model-active");
  const errorBox = byId("model-error");
  const versions = byId("versions-table", HTMLTableElement);
  const versionsError = byId("versions-error");
  const tokenForm = byId("token-form", HTMLFormElement);
  const tokenInput = byId("token", HTMLInputElement);
  const tokenState = byId("token-state");
  const trainForm = byId("train-form", HTMLFormElement);
  const trainStatus = byId("train-status");
  const trainProgress = byId("train-progress", HTMLProgressElement);
  const trainText = byId("train-text");
  const trainError = byId("train-error");
  const trainDrift = byId("train-drift");
  let loaded = 0;
  /** The upload whose drift warning was shown: submitting it again trains on it anyway. */
  let warnedDataset = "";

  /**
   * Before training on an upload: does it differ from what the active model learned from?
   *
   * @param {string} dataset The uploaded dataset's id.
   * @returns {Promise<boolean>} True when it drifted and the adviser has not yet been told.
   */
  async function driftStops(dataset) {
    trainDrift.hidden = true;
    if (dataset === warnedDataset) return false;
    let report;
    try {
      report = await api.datasetDrift(dataset, state.profile);
    } catch {
      // No active model, or one saved before drift statistics: nothing to compare with.
      return false;
    }
    if (report.drifted.length === 0) return false;
    warnedDataset = dataset;
    trainDrift.textContent = `${driftSentence(report)} A model trained on it learns that ` +
      "population; check the file is the one you meant. Start retraining again to train on it anyway.";
    trainDrift.hidden = false;
    return true;
  }

  /**
   * @param {ModelSummary[]} models
   * @param {string | undefined} activeId
   */
  function drawVersions(models, activeId) {
    const mine = models.filter((m) => m.profile === state.profile);
    versions.tBodies[0].replaceChildren(
      ...mine.map((m) => {
        const isActive = m.id === activeId;
        return h(
          "tr",
          { "data-model": m.id, class: isActive ? "active-row" : "" },
          h(
            "th",
            { scope: "row" },
            h("code", { class: "id" }, m.id),
            m.leaks.length
              ? h("span", { class: "help" }, ` uses ${m.leaks.join(", ")} (leak)`)
              : "",
          ),
          h("td", {}, new Date(m.created).toLocaleString("en-GB")),
          h("td", { class: "num" }, fixed(m.test.roc_auc)),
          h("td", { class: "num" }, fixed(m.test.f1)),
          h("td", { class: "num" }, fixed(m.test.recall)),
          h(
            "td",
            {},
            isActive ? h("strong", { class: "status" }, "Active") : h(
              "button",
              {
                type: "button",
                class: "secondary",
                "data-activate": m.id,
                "aria-label": `Activate ${m.id}`,
              },
              "Activate",
            ),
          ),
        );
      }),
    );
    if (mine.length === 0) {
      versions.tBodies[0].replaceChildren(
        h("tr", {}, h("td", { colspan: 6 }, "No trained model for this profile yet.")),
      );
    }
  }

  async function show() {
    const mine = ++loaded;
    showError(errorBox);
    showError(versionsError);
    try {
      const list = await api.models();
      if (mine !== loaded) return;
      const id = list.active[state.profile];
      drawVersions(list.models, id);
      if (!id) {
        active.replaceChildren(
          h("p", {}, `No active model for ${state.profile}: train one below.`),
        );
        return;
      }
      const [meta, ev] = await Promise.all([api.model(id), api.evaluation(id)]);
      if (mine !== loaded) return;
      const roc = h("div", { class: "chart", id: "roc-chart" });
      active.replaceChildren(
        h("h3", {}, `Active model for ${meta.profile}`),
        meta.leaks.length === 0 ? "" : h(
          "p",
          { class: "warning" },
          `This model uses ${meta.leaks.join(", ")}, a leak: ${state.spec.texts.leakNote}. ` +
            "Its metrics say nothing about early warning.",
        ),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Model"),
          h("dd", {}, h("code", { class: "id", id: "active-model-id" }, meta.id)),
          h("dt", {}, "Trained"),
          h(
            "dd",
            {},
            `${new Date(meta.created).toLocaleString("en-GB")} on ${
              count(meta.data.rows)
            } students ` +
              `(${count(meta.data.positives)} ${state.spec.texts.positive}), seed ${meta.seed}`,
          ),
          h("dt", {}, "Threshold"),
          h("dd", {}, `${pct(meta.threshold)}; watch band from ${pct(meta.bands.medium)}`),
          h("dt", {}, "Reads"),
          h(
            "dd",
            { id: "active-model-reads" },
            meta.selection
              ? `${meta.selection.read.map(label).join(", ")} (${meta.selection.read.length} of ` +
                `${meta.features.length} inputs, chosen by how well each alone separates the ` +
                "training students); the other fields are accepted but not used"
              : `all ${meta.features.length} inputs of the profile`,
          ),
        ),
        metricsTable(meta.metrics.test, meta.intervals, state.spec.texts),
        h("div", { class: "grid-2" }, roc, confusionTable(ev, state.spec.texts)),
        h("h4", {}, "Fairness on the test split"),
        h(
          "p",
          { class: "help" },
          "Decision rates by group. Small groups give noisy rates; large gaps deserve a look.",
        ),
        ...(meta.fairness?.length ? fairnessTables(meta.fairness, state.spec.texts) : [
          h(
            "p",
            { id: "fairness-none" },
            "No audit: the spec names no sensitive column (such as sex or address) present in " +
              "the data.",
          ),
        ]),
      );
      await draw(
        roc,
        rocFigure(ev),
        `ROC curve of ${meta.id}: area under the curve ${fixed(ev.metrics.test.roc_auc)}`,
      );
    } catch (error) {
      if (mine === loaded) showError(errorBox, /** @type {Error} */ (error).message);
    }
  }

  /** @param {string} [refusal] Why the token just typed was not kept, if it was not. */
  function showToken(refusal) {
    tokenState.classList.toggle("error", Boolean(refusal));
    tokenState.textContent = refusal ??
      (adminToken()
        ? "The server accepted the token; it is kept for this tab."
        : "No token yet: activating and retraining need one.");
  }

  tokenForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    tokenInput.value = "";
    if (!token) return showToken("Type the server's ADMIN_TOKEN first.");
    tokenState.classList.remove("error");
    tokenState.textContent = "Checking the token with the server…";
    try {
      const verdict = await api.checkToken(token);
      setAdminToken(verdict === "accepted" ? token : "");
      showToken(
        verdict === "refused"
          ? "The server refused this token, so it is not kept: type the server's ADMIN_TOKEN."
          : verdict === "disabled"
          ? "Admin is disabled on this server (no ADMIN_TOKEN is set), so no token works."
          : undefined,
      );
    } catch (error) {
      setAdminToken("");
      showToken(/** @type {Error} */ (error).message);
    }
  });
  byId("token-forget").addEventListener("click", () => {
    setAdminToken("");
    showToken();
  });

  versions.addEventListener("click", async (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button[data-activate]");
    if (!(button instanceof HTMLButtonElement)) return;
    showError(versionsError);
    button.disabled = true;
    try {
      await api.activate(/** @type {string} */ (button.dataset.activate));
      await show();
      versions.querySelector("tr.active-row button, tr.active-row .status")?.closest("tr")
        ?.querySelector("th")?.focus();
    } catch (error) {
      button.disabled = false;
      showError(versionsError, /** @type {Error} */ (error).message);
    }
  });

  /**
   * Polls a job until it ends, updating the progress bar.
   *
   * @param {Job} job The job as started.
   * @returns {Promise<Job>} The job once it ended.
   */
  async function follow(job) {
    while (job.state === "running" || job.state === "gating") {
      const { epoch, epochs, loss } = job.progress;
      if (job.state === "gating") {
        trainText.textContent = "Trained: checking the quality gate…";
      } else if (epochs > 0) {
        trainProgress.max = epochs;
        trainProgress.value = epoch;
        trainText.textContent = `Training: epoch ${epoch} of at most ${epochs}` +
          (loss !== null ? `, loss ${loss.toFixed(3)}` : "");
      } else {
        // Before a network's first epoch, or for a family that trains without epochs (trees,
        // logistic regression): nothing to count yet.
        trainText.textContent = "Training…";
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
      job = await api.job(job.id);
    }
    return job;
  }

  trainForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(trainError);
    if (!adminToken()) return showError(trainError, "Type the admin token above first");
    const button =
      /** @type {HTMLButtonElement} */ (trainForm.querySelector("button[type=submit]"));
    button.disabled = true;
    trainStatus.hidden = false;
    trainProgress.removeAttribute("value");
    try {
      const file = byId("train-file", HTMLInputElement).files?.[0];
      /** @type {string | undefined} */
      let dataset;
      if (file) {
        trainText.textContent = `Uploading ${file.name}…`;
        dataset = (await api.upload(file)).dataset.id;
        if (await driftStops(dataset)) {
          trainStatus.hidden = true;
          return;
        }
      } else trainDrift.hidden = true;
      const epochs = byId("train-epochs", HTMLInputElement).valueAsNumber;
      const seed = byId("train-seed", HTMLInputElement).valueAsNumber;
      const { job } = await api.train({
        profile: state.profile,
        ...(dataset ? { dataset } : {}),
        ...(Number.isFinite(epochs) ? { epochs } : {}),
        ...(Number.isFinite(seed) ? { seed } : {}),
        force: byId("train-force", HTMLInputElement).checked,
      });
      const done = await follow(job);
      // The job's own check (it also covers training on the server's data set, not uploaded here).
      if (done.warnings?.length && trainDrift.hidden) {
        trainDrift.textContent = done.warnings.join(" ");
        trainDrift.hidden = false;
      }
      trainProgress.max = 1;
      trainProgress.value = 1;
      if (done.state === "activated") {
        trainText.textContent = `Done: ${done.model} is trained and active.`;
      } else if (done.state === "rejected") {
        trainText.textContent = `Trained ${done.model}, but it was not activated: ` +
          (done.gate?.reason ?? "the quality gate refused it");
      } else {
        trainProgress.value = 0;
        trainText.textContent = "Training failed.";
        showError(trainError, done.error ?? "Training failed");
      }
      await show();
    } catch (error) {
      trainStatus.hidden = true;
      showError(trainError, /** @type {Error} */ (error).message);
    } finally {
      button.disabled = false;
    }
  });

  showToken();
  return { show };
}
