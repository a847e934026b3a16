"""The same work as `transformer-lab encode --rng numpy --seed S --quiet --json`, in numpy:
np.random.seed(S); draws in SPEC's order (x; wq, wk, wv, wo; w1, w2); one encoder layer with
`heads` heads (SPEC section 1). With --print, writes {"output": ...} with `json.dumps` (the C
encoder, as anyone would). Always writes to stderr its peak resident memory as `maxrss_kb N` and
its phases as `phases_ms import=… draws=… compute=… json=…`. Used by bench/bench.mjs, not by the
tests."""
import time

t_start = time.perf_counter()
import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
from scipy.special import softmax  # noqa: E402

t_imported = time.perf_counter()
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
t_drawn = time.perf_counter()


def layer_norm(m):
    return (m - m.mean(-1, keepdims=True)) / np.sqrt(m.var(-1, keepdims=True) + 1e-8)


Q, K, V = x @ wq, x @ wk, x @ wv
z = np.empty((a.seq, hd))
for h in range(a.heads):
    c = slice(h * a.dmodel, (h + 1) * a.dmodel)
    z[:, c] = softmax(Q[:, c] @ K[:, c].T / np.sqrt(a.dmodel), axis=-1) @ V[:, c]
norm1 = layer_norm(x + z @ wo)
out = layer_norm(norm1 + np.maximum(0, norm1 @ w1) @ w2)
t_computed = time.perf_counter()
if a.print:
    sys.stdout.write(json.dumps({"output": out.tolist()}))
    sys.stdout.flush()
t_written = time.perf_counter()


def ms(t0, t1):
    return f"{(t1 - t0) * 1000:.1f}"


print(
    f"phases_ms import={ms(t_start, t_imported)} draws={ms(t_imported, t_drawn)}"
    f" compute={ms(t_drawn, t_computed)} json={ms(t_computed, t_written)}",
    file=sys.stderr,
)
# VmHWM, not getrusage's maxrss: on Linux a child's maxrss starts from its parent's peak.
with open("/proc/self/status") as status:
    hwm = re.search(r"VmHWM:\s*(\d+)", status.read())
print(f"maxrss_kb {hwm.group(1) if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
