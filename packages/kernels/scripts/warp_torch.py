"""The warp stage of strongAugment computed by torch (affine_grid + grid_sample, bilinear, zeros,
align_corners=False) in float64 — the reference for Kernels.warpImages.

  /usr/bin/python3 packages/kernels/scripts/warp_torch.py < case.json    # {"h","w","images","params"} -> {"out"}
  /usr/bin/python3 packages/kernels/scripts/warp_torch.py --vectors > packages/kernels/src/warp-torch.json

Pixel-space map (ssl-semi.md §5): output pixel p samples the input at c + R(-phi)(p - c - t)/s,
c = ((w-1)/2, (h-1)/2) in (column, row); expressed as affine_grid's theta on normalised coordinates,
where u - c_u = (w/2) x_n and v - c_v = (h/2) y_n (this also covers h != w).
"""
import gzip, json, math, os, sys

import torch
import torch.nn.functional as F


def warp(images, h, w, params):
    x = torch.tensor(images, dtype=torch.float64).reshape(-1, 1, h, w)
    n = x.shape[0]
    theta = torch.zeros(n, 2, 3, dtype=torch.float64)
    for i, (deg, s, tx, ty) in enumerate(params):
        a = math.radians(deg)
        m00, m01, m10, m11 = math.cos(a) / s, math.sin(a) / s, -math.sin(a) / s, math.cos(a) / s
        theta[i, 0] = torch.tensor([m00, m01 * h / w, -2.0 / w * (m00 * tx + m01 * ty)], dtype=torch.float64)
        theta[i, 1] = torch.tensor([m10 * w / h, m11, -2.0 / h * (m10 * tx + m11 * ty)], dtype=torch.float64)
    grid = F.affine_grid(theta, (n, 1, h, w), align_corners=False)
    out = F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=False)
    return out.reshape(-1).tolist()


def vectors():
    here = os.path.dirname(os.path.abspath(__file__))
    digits = os.path.join(here, '..', '..', '..', 'datasets', 'digits', 'digits.csv.gz')
    rows = [list(map(int, line.split(',')[:64])) for line in gzip.open(digits, 'rt').read().split('\n')[:4]]
    pattern = [(3 * v + 7 * u) % 17 for _ in range(2) for v in range(6) for u in range(10)]
    cases = [
        (8, 8, [p for r in rows for p in r], [[12.5, 0.9, 0.7, -1.2], [-20, 1.15, -1.5, 1.5], [7.3, 0.85, 1.1, 0.4], [0, 1, 0.5, 0]]),
        (6, 10, pattern, [[15, 1.05, 0.3, -0.8], [-9, 0.92, -1.2, 0.6]]),
    ]
    return {
        'generatedBy': 'packages/kernels/scripts/warp_torch.py --vectors (torch %s, float64); images = pixels16 / 16' % torch.__version__,
        'cases': [{'h': h, 'w': w, 'pixels16': px, 'params': prm, 'torch': warp([p / 16 for p in px], h, w, prm)}
                  for h, w, px, prm in cases],
    }


def dump_vectors(v):
    """One case per block, arrays on one line each, so a regenerated file diffs line by line."""
    cases = ',\n'.join('    {\n      "h": %d, "w": %d,\n      "params": %s,\n      "pixels16": %s,\n      "torch": %s\n    }' % (
        c['h'], c['w'], json.dumps(c['params']), json.dumps(c['pixels16']), json.dumps(c['torch'])) for c in v['cases'])
    return '{\n  "generatedBy": %s,\n  "cases": [\n%s\n  ]\n}\n' % (json.dumps(v['generatedBy']), cases)


if __name__ == '__main__':
    if '--vectors' in sys.argv:
        sys.stdout.write(dump_vectors(vectors()))
    else:
        case = json.load(sys.stdin)
        json.dump({'out': warp(case['images'], case['h'], case['w'], case['params'])}, sys.stdout)
