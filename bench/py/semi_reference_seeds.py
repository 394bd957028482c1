# Runs the spec's own reference script (semi_digits.py, from the folder given) for more seeds than its
# three, for `npm run bench -- semi-seeds`: one JSON line per (method, seed). Nothing of it is ported.
# Usage: python3 semi_reference_seeds.py REFERENCE_DIR sup50,entmin 0,1,2
import json, sys, time

sys.path.insert(0, sys.argv[1])
import torch  # noqa: E402
import semi_digits as sd  # noqa: E402
from common import accuracy  # noqa: E402

for name in sys.argv[2].split(','):
    for seed in map(int, sys.argv[3].split(',')):
        t0 = time.time()
        model = sd.METHODS[name](seed)
        print(json.dumps(dict(method=name, seed=seed, accuracy=accuracy(model, sd.X[sd.test], sd.y[sd.test]),
                              seconds=round(time.time() - t0, 1), engine=f'PyTorch {torch.__version__.split("+")[0]} CPU, 1 thread, float32')), flush=True)
