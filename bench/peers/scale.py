"""Times LightGBM on the rows `deno task bench` times ours on, for the scale figure.

Reads, from the exchange folder TypeScript wrote:
  features.csv  one row per student, a header of input names, numbers ("nan" when missing)
  labels.json   {"labels": [0/1 ...], "seed": int}
Prints one JSON line: {"lightgbm": version, "rows": n, "load_s", "fit_s", "predict_s",
"peak_rss_bytes"}. LightGBM fits at its defaults on one thread (n_jobs=1) on every row and
predicts every row; loading the text table is timed apart, as ours' loading is part of its task.

Usage: python scale.py EXCHANGE_DIR
"""

import json
import os
import resource
import sys
import time

import numpy as np


def main(argv):
    if len(argv) != 1:
        print("usage: python scale.py EXCHANGE_DIR", file=sys.stderr)
        return 2
    import lightgbm
    from lightgbm import LGBMClassifier

    started = time.perf_counter()
    x = np.loadtxt(os.path.join(argv[0], "features.csv"), delimiter=",", skiprows=1, ndmin=2)
    with open(os.path.join(argv[0], "labels.json"), encoding="utf-8") as f:
        plan = json.load(f)
    y = np.asarray(plan["labels"], dtype=np.int64)
    load = time.perf_counter() - started
    model = LGBMClassifier(random_state=int(plan["seed"]), verbose=-1, n_jobs=1)
    started = time.perf_counter()
    model.fit(x, y)
    fit = time.perf_counter() - started
    started = time.perf_counter()
    model.predict_proba(x)
    predict = time.perf_counter() - started
    # ru_maxrss is in kilobytes on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({
        "lightgbm": lightgbm.__version__,
        "rows": int(x.shape[0]),
        "load_s": load,
        "fit_s": fit,
        "predict_s": predict,
        "peak_rss_bytes": peak,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
