"""Fits the peer models of `deno task peers` on folds chosen by the TypeScript side.

Reads, from the exchange folder the task wrote:
  features.csv  one row per student, a header of input names, numbers ("nan" when missing)
  folds.json    {"labels": [0/1 ...], "fold_of": [[fold of each row] per run], "seed": int}
                (fold -1: a row only ever trained on, as in a cohort-forward split)
Writes predictions.json:
  {"versions": {...}, "threads": OpenMP threads per fit,
   "models": {name: {"scores": [[probability of each row] per run],
                     "fit_seconds": [[seconds per fold] per run]}}}

Each model is fitted once per fold on that fold's training rows, at its library's defaults
(RandomForest with 500 trees, as asked), and scores the fold's test rows only, so every score
is out of fold. Fit time is the wall time of `fit` alone. The metrics are computed in
TypeScript, with the code that scores the project's own model.

Usage: python peers.py EXCHANGE_DIR [--models name,name]
"""

import argparse
import json
import os
import platform
import sys
import time

import numpy as np


def _logistic_regression(seed):
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # The ordinary use of LogisticRegression: standardised inputs (fitted on the fold's training
    # rows) and enough iterations for lbfgs to converge; C stays at its default of 1.
    return make_pipeline(
        SimpleImputer(strategy="median"),
        StandardScaler(),
        LogisticRegression(max_iter=1000, random_state=seed),
    )


def _random_forest(seed):
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(n_estimators=500, random_state=seed)


def _hist_gradient_boosting(seed):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(random_state=seed)


def _lightgbm(seed):
    from lightgbm import LGBMClassifier

    # verbose=-1 only silences the "no further splits" log lines; n_jobs=1 fits on one thread, as
    # the other peers and ours do, whatever OpenMP would take. The model is LightGBM's default.
    return LGBMClassifier(random_state=seed, verbose=-1, n_jobs=1)


MODELS = {
    "logistic_regression": _logistic_regression,
    "random_forest": _random_forest,
    "hist_gradient_boosting": _hist_gradient_boosting,
    "lightgbm": _lightgbm,
}


def _versions(names):
    import scipy
    import sklearn

    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }
    if "lightgbm" in names:
        import lightgbm

        versions["lightgbm"] = lightgbm.__version__
    return versions


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exchange")
    parser.add_argument("--models", default=",".join(MODELS))
    args = parser.parse_args(argv)
    names = [n for n in args.models.split(",") if n]
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        print(f"error: Unknown model {unknown[0]}: expected {', '.join(MODELS)}", file=sys.stderr)
        return 2

    with open(os.path.join(args.exchange, "folds.json"), encoding="utf-8") as f:
        plan = json.load(f)
    x = np.loadtxt(
        os.path.join(args.exchange, "features.csv"), delimiter=",", skiprows=1, ndmin=2
    )
    y = np.asarray(plan["labels"], dtype=np.int64)
    if x.shape[0] != y.shape[0]:
        print(f"error: {x.shape[0]} feature rows but {y.shape[0]} labels", file=sys.stderr)
        return 2
    seed = int(plan["seed"])

    out = {
        "versions": _versions(names),
        "threads": int(os.environ.get("OMP_NUM_THREADS", os.cpu_count())),
        "models": {},
    }
    for name in names:
        scores_by_run = []
        seconds_by_run = []
        for fold_of in plan["fold_of"]:
            fold_of = np.asarray(fold_of)
            scores = np.full(y.shape[0], np.nan)
            seconds = []
            for fold in range(int(fold_of.max()) + 1):
                test = fold_of == fold
                model = MODELS[name](seed)
                started = time.perf_counter()
                model.fit(x[~test], y[~test])
                seconds.append(time.perf_counter() - started)
                scores[test] = model.predict_proba(x[test])[:, 1]
            # A row in no test fold (-1: a training-only cohort) has no score: null, not NaN,
            # which JSON cannot hold.
            scores_by_run.append([None if np.isnan(v) else v for v in scores.tolist()])
            seconds_by_run.append(seconds)
        out["models"][name] = {"scores": scores_by_run, "fit_seconds": seconds_by_run}
        print(f"  {name}: {sum(map(sum, seconds_by_run)):.1f} s of fitting", file=sys.stderr)

    with open(os.path.join(args.exchange, "predictions.json"), "w", encoding="utf-8") as f:
        json.dump(out, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
