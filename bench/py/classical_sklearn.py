# scikit-learn side of bench/src/classical.ts: KMeans, diagonal GaussianMixture and Barnes-Hut t-SNE,
# each fitted on request on data the TypeScript side wrote, so both fit the same rows.
# Protocol on stdin/stdout, one line each, replies are JSON:
#   "load NAME PATH N D"                     -> {"ok": true}            (raw little-endian float32 rows)
#   "kmeans NAME DTYPE K MAXITER TOL SEED"  -> {"ms", "inertia", "n_iter"}   (n_init = 1, k-means++)
#   "gmm NAME DTYPE K MAXITER TOL SEED"     -> {"ms", "score", "n_iter"}     (covariance_type = 'diag')
#   "tsne NAME SEED"                        -> {"ms", "kl", "n_iter"}        (perplexity 30, PCA init, 'auto' rate)
#   "quit"
import json, sys, time, warnings
import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.mixture import GaussianMixture
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_info

warnings.filterwarnings('ignore')  # tol 0 runs end by max_iter on purpose: no ConvergenceWarning noise
data = {}
threads = max([p.get("num_threads", 1) for p in threadpool_info()] or [1])
print(json.dumps({"ready": True, "engine": f"scikit-learn {sklearn.__version__}", "threads": threads}), flush=True)


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - t0) * 1000


for line in sys.stdin:
    cmd = line.split()
    if not cmd or cmd[0] == "quit":
        break
    if cmd[0] == "load":
        name, path, n, d = cmd[1], cmd[2], int(cmd[3]), int(cmd[4])
        X = np.fromfile(path, dtype="<f4").reshape(n, d)
        data[name] = {"float32": X, "float64": X.astype(np.float64)}
        print(json.dumps({"ok": True}), flush=True)
    elif cmd[0] == "kmeans":
        X = data[cmd[1]][cmd[2]]
        k, max_iter, tol, seed = int(cmd[3]), int(cmd[4]), float(cmd[5]), int(cmd[6])
        km, ms = timed(lambda: KMeans(k, n_init=1, max_iter=max_iter, tol=tol, random_state=seed, algorithm="lloyd").fit(X))
        print(json.dumps({"ms": ms, "inertia": float(km.inertia_), "n_iter": int(km.n_iter_)}), flush=True)
    elif cmd[0] == "gmm":
        X = data[cmd[1]][cmd[2]]
        k, max_iter, tol, seed = int(cmd[3]), int(cmd[4]), float(cmd[5]), int(cmd[6])
        gm, ms = timed(lambda: GaussianMixture(k, covariance_type="diag", max_iter=max_iter, tol=tol, random_state=seed).fit(X))
        print(json.dumps({"ms": ms, "score": float(gm.score(X)), "n_iter": int(gm.n_iter_)}), flush=True)
    elif cmd[0] == "tsne":
        X = data[cmd[1]]["float32"]
        ts, ms = timed(lambda: TSNE(2, perplexity=30, init="pca", learning_rate="auto", random_state=int(cmd[2])).fit(X))
        print(json.dumps({"ms": ms, "kl": float(ts.kl_divergence_), "n_iter": int(ts.n_iter_)}), flush=True)
    else:
        print(json.dumps({"error": f"unknown command {cmd[0]}"}), flush=True)
