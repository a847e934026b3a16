"""The same work as `transformer-lab encode --rng numpy --seed S --quiet --json`, in numpy:
np.random.seed(S); draws in SPEC's order (x; wq, wk, wv, wo; w1, w2); one encoder layer with
`heads` heads (SPEC section 1). Prints {"output": ...} with --print; always writes its peak
resident memory to stderr as `maxrss_kb N`. Used by bench/bench.mjs, not by the tests."""
import argparse
import json
import resource
import sys

import numpy as np
from scipy.special import softmax

p = argparse.ArgumentParser()
for name, default in [("seq", 4), ("emb", 8), ("dmodel", 3), ("heads", 1), ("seed", 0)]:
    p.add_argument(f"--{name}", type=int, default=default)
p.add_argument("--print", action="store_true")
a = p.parse_args()

np.random.seed(a.seed)
hd = a.heads * a.dmodel
x = np.random.randn(a.seq, a.emb)
wq, wk, wv = (np.random.randn(a.emb, hd) for _ in range(3))
wo = np.random.randn(hd, a.emb)
w1, w2 = np.random.randn(a.emb, 4 * a.emb), np.random.randn(4 * a.emb, a.emb)


def layer_norm(m):
    return (m - m.mean(-1, keepdims=True)) / np.sqrt(m.var(-1, keepdims=True) + 1e-8)


Q, K, V = x @ wq, x @ wk, x @ wv
z = np.empty((a.seq, hd))
for h in range(a.heads):
    c = slice(h * a.dmodel, (h + 1) * a.dmodel)
    z[:, c] = softmax(Q[:, c] @ K[:, c].T / np.sqrt(a.dmodel), axis=-1) @ V[:, c]
norm1 = layer_norm(x + z @ wo)
out = layer_norm(norm1 + np.maximum(0, norm1 @ w1) @ w2)
if a.print:
    json.dump({"output": out.tolist()}, sys.stdout)
print(f"maxrss_kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
