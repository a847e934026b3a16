"""transformer-lab's Python harness: runs students' notebooks and scripts, records, never grades.

Spoken to by src/harness/run.ts. The request is one JSON document on stdin:
    {"submissions": [{"id", "path", "kind": "notebook"|"script"}], "timeout": s, "memory_mb": n,
     "output_limit": bytes, "jobs": n, "q1": [{"seed", "seq", "emb", "dmodel"}], "q2": [...]}
The answer is JSON lines on stdout: {"type": "ready", versions} first, then one
{"type": "result", "id", ...} per submission as each ends (in any order), then {"type": "end"}.
Without numpy or scipy: one {"type": "missing", "module"} line and exit 3.

Each submission runs in a forked child: its own process group, an address-space cap, a fresh
temporary directory, stdin from /dev/null, fds 1 and 2 into a pipe the parent drains (keeping the
first output_limit bytes), and its findings written as JSON lines to a pipe of their own, so
nothing the student prints can pass for a finding. The parent kills the child's whole process
group at the timeout, and always once the child has ended. Not a sandbox: the student's code
runs with the user's rights and can read, write and reach whatever the user can.

Grading happens in TypeScript: this file reports what the code did (cells that raised, what
self_attention and encoder_layer returned on the cases, and every call encoder_layer made to
self_attention, feed_forward, layer_norm and the random generator) and nothing else."""
import os

# One thread per BLAS: the matrices are tiny, and up to --jobs children run side by side.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
os.environ["MPLBACKEND"] = "Agg"  # a notebook's plt.show() must not look for a display

import ast
import base64
import ctypes
import gc
import inspect
import io
import json
import linecache
import re
import resource
import selectors
import shutil
import signal
import sys
import tempfile
import time
import tokenize
import traceback


def emit(obj):
    sys.stdout.write(json.dumps(obj, allow_nan=False) + "\n")
    sys.stdout.flush()


try:
    import numpy as np
    import scipy
    import scipy.special  # noqa: F401  (the homework's softmax, loaded once for every child)
except ImportError as e:
    emit({"type": "missing", "module": (e.name or "numpy").split(".")[0], "python": sys.executable})
    sys.exit(3)

_REAL_EXIT = os._exit
try:
    LIBC = ctypes.CDLL(None)
except OSError:
    LIBC = None
_SEED = np.random.seed
_RANDN = np.random.randn
MAX_ELEMENTS = 1_000_000  # a returned array larger than this is reported by shape only
MAX_CALLS = 200  # calls recorded inside one encoder_layer call


# ---------------------------------------------------------------- reading submissions


def decode_text(raw, kind):
    """Bytes to text, and a note when they were not UTF-8 (or the script's coding cookie)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    encoding = "utf-8"
    if kind == "script":
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        except SyntaxError:
            encoding = "utf-8"
    try:
        return raw.decode(encoding), None
    except (UnicodeDecodeError, LookupError):
        text = raw.decode("cp1252", errors="replace")
        return text, f"the file is not valid {encoding}: read as Windows-1252 (Latin-1)"


def cell_text(source):
    return "".join(source) if isinstance(source, list) else (source or "")


def notebook_cells(text):
    """(cell_type, source) for every cell, nbformat 4 (cells) or 3 (worksheets[].cells, input)."""
    nb = json.loads(text)
    if not isinstance(nb, dict):
        raise ValueError("not a notebook: the JSON is not an object")
    if "cells" in nb:
        cells = nb["cells"]
    elif "worksheets" in nb:
        cells = [c for ws in nb["worksheets"] or [] for c in ws.get("cells", [])]
    else:
        raise ValueError("not a notebook: no cells (nbformat 4) or worksheets (nbformat 3)")
    out = []
    for c in cells:
        if not isinstance(c, dict):
            continue
        kind = c.get("cell_type", "code")
        src = c.get("input") if kind == "code" and "input" in c else c.get("source")
        out.append((kind, cell_text(src)))
    return out, nb.get("nbformat")


# IPython syntax plain Python cannot run: line magics, shell escapes, `x = !ls`, `obj?`.
MAGIC_LINE = re.compile(r"^\s*([%!]|[A-Za-z_][\w.]*\s*=\s*[%!]|[A-Za-z_][\w.]*\?\??\s*$)")
RUN_BODY_MAGICS = ("%%time", "%%timeit", "%%capture")


def strip_magics(source):
    """The cell as plain Python, and the IPython lines left out (number, text). A cell that
    is valid Python as it is has none (a line starting with `%` may continue a bracket)."""
    try:
        ast.parse(source)
        return source, []
    except (SyntaxError, ValueError):
        pass
    lines = source.split("\n")
    skipped = []
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        if not first.startswith(RUN_BODY_MAGICS):
            return None, [(1, first)]
        skipped.append((1, first))
        lines[0] = ""
    for i, line in enumerate(lines):
        if i == 0 and skipped:
            continue
        if MAGIC_LINE.match(line) and not line.strip().startswith("%="):
            indent = line[: len(line) - len(line.lstrip())]
            skipped.append((i + 1, line.strip()))
            lines[i] = indent + "pass"
    return "\n".join(lines), skipped


# ---------------------------------------------------------------- Question 3's text

Q3_MARK = re.compile(r"quest(?:ã|a|&atilde;)o\s*3|question\s*3|\bq\s*\.?\s*3\b", re.I)
PROMPT_BITS = (
    "para finalizar, descreva de forma concisa",
    "sua resposta aqui",
    "your answer here",
)


HTML_TAG = re.compile(r"<[^>]+>")
MARKUP = re.compile(r"[*_#>`]")


def clean_text(text):
    text = HTML_TAG.sub("", text)
    text = text.replace("&nbsp;", " ")
    kept = []
    for line in text.split("\n"):
        bare = MARKUP.sub("", line).strip()
        low = bare.lower()
        if any(low.startswith(p) for p in PROMPT_BITS) or Q3_MARK.fullmatch(bare or "x"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def q3_from_cells(cells):
    """The answer after the Q3 prompt: the rest of its cell, the text cells after it, and the
    comments of code cells after it. None when the notebook has no Q3 prompt."""
    start = next(
        (i for i, (kind, src) in enumerate(cells) if kind != "code" and Q3_MARK.search(src)), None
    )
    if start is None:
        return None
    parts = []
    for kind, src in cells[start:]:
        if kind == "code":
            parts.extend(l.strip()[1:].strip() for l in src.split("\n") if l.strip().startswith("#"))
        else:
            parts.append(src)
    first = cells[start][1]
    parts[0] = first[Q3_MARK.search(first).end():]
    parts[0] = parts[0].split("\n", 1)[1] if "\n" in parts[0] else ""
    return clean_text("\n".join(parts))


def q3_from_script(text):
    """In a script: the comments and strings after the first one that names Question 3."""
    pieces = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                pieces.append(tok.string.lstrip("#").strip())
            elif tok.type == tokenize.STRING:
                try:
                    value = ast.literal_eval(tok.string)
                except (ValueError, SyntaxError):
                    continue
                if isinstance(value, str):
                    pieces.append(value.strip())
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pieces = [l.strip().lstrip("#").strip() for l in text.split("\n") if l.strip().startswith("#")]
    start = next((i for i, p in enumerate(pieces) if Q3_MARK.search(p)), None)
    if start is None:
        return None
    head = pieces[start]
    pieces[start] = head[Q3_MARK.search(head).end():].lstrip(" :-—)")
    return clean_text("\n".join(pieces[start:]))


# ---------------------------------------------------------------- running student code


class StudentTimeout(BaseException):
    """Raised by SIGALRM inside student code that runs past its share of the time."""


def on_alarm(signum, frame):
    raise StudentTimeout()


class Budget:
    """A share of the wall-clock timeout for one phase; student code past it is interrupted.
    One stretch of code (a cell, a call) gets at most `each` of it, so that a cell stuck in a
    loop leaves time for the cells after it, which may define the functions to grade."""

    def __init__(self, seconds, each=None):
        self.deadline = time.monotonic() + seconds
        self.each = each or seconds

    def __enter__(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise StudentTimeout()
        signal.setitimer(signal.ITIMER_REAL, min(left, self.each))
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        return False


def error_info(exc, filename_prefix=("<cell", "<script")):
    """An exception as type, message, and where in the student's code it was raised."""
    if isinstance(exc, StudentTimeout):
        return {"type": "Timeout", "message": "still running at its share of --timeout: stopped"}
    if isinstance(exc, StudentExit):
        return {"type": "SystemExit", "code": exc.code, "message": f"os._exit({exc.code!r}) was called"}
    if isinstance(exc, SystemExit):
        code = exc.code if exc.code is None or isinstance(exc.code, int) else str(exc.code)
        return {"type": "SystemExit", "code": code, "message": f"sys.exit({exc.code!r}) was called"}
    info = {"type": type(exc).__name__, "message": str(exc)[:500]}
    if isinstance(exc, SyntaxError):
        info.update(file=exc.filename, line=exc.lineno, text=(exc.text or "").strip()[:200])
        return info
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(filename_prefix)]
    if frames:
        outer, inner = frames[0], frames[-1]
        info.update(file=outer.filename, line=outer.lineno, text=(outer.line or "")[:200])
        if inner is not outer:
            info["inner"] = {"file": inner.filename, "line": inner.lineno, "function": inner.name,
                             "text": (inner.line or "")[:200]}
    return info


class StudentExit(SystemExit):
    """os._exit in student code: it would end the process before anything is reported."""


def exit_instead(code=0):
    raise StudentExit(code)


def run_source(source, filename, ns, budget):
    """Compiles and runs one cell (or the whole script); None or the error it raised."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        code = compile(source, filename, "exec")
    except (SyntaxError, ValueError) as e:
        return error_info(e)
    try:
        with budget:
            exec(code, ns)
    except BaseException as e:  # noqa: BLE001 — a student's cell may raise anything, even SystemExit
        return error_info(e)
    return None


def run_submission(sub, limits, send):
    """Reads and runs the student's file in a fresh namespace, reporting what happened."""
    kind = sub["kind"]
    with open(sub["path"], "rb") as f:
        raw = f.read()
    text, note = decode_text(raw, kind)
    ns = {"__name__": "__main__", "__builtins__": __builtins__, "display": print}
    if kind == "script":
        ns["__file__"] = sub["path"]
    budget = Budget(limits["timeout"] * 0.5, each=limits["timeout"] * 0.2)
    report = {"type": "ran", "encoding_note": note, "cells": [], "skipped": [], "q3": None}
    if kind == "notebook":
        if not raw.strip():
            send({"type": "fatal", "error": {"type": "EmptyFile", "message": "the file is empty"}})
            return None
        try:
            cells, nbformat = notebook_cells(text)
        except (ValueError, AttributeError, TypeError) as e:
            msg = str(e)
            if isinstance(e, json.JSONDecodeError):
                msg = f"not a notebook: invalid JSON at line {e.lineno}, column {e.colno}"
            send({"type": "fatal", "error": {"type": "NotANotebook", "message": msg}})
            return None
        report["nbformat"] = nbformat
        report["q3"] = q3_from_cells(cells)
        number = 0
        for kind_, src in cells:
            if kind_ != "code":
                continue
            number += 1
            if not src.strip():
                continue
            send({"type": "cell", "cell": number})  # where it was, should it never come back
            plain, skipped = strip_magics(src)
            report["skipped"].extend({"cell": number, "line": n, "text": t} for n, t in skipped)
            if plain is None:
                continue
            err = run_source(plain, f"<cell {number}>", ns, budget)
            report["cells"].append({"cell": number, "error": err})
        report["code_cells"] = number
    else:
        report["q3"] = q3_from_script(text)
        err = run_source(text, "<script>", ns, budget)
        report["cells"].append({"cell": None, "error": err})
    report["functions"] = {
        name: callable(ns.get(name))
        for name in ("self_attention", "encoder_layer", "feed_forward", "layer_norm")
    }
    report["sources"] = {name: source_of(ns.get(name)) for name in ("feed_forward", "layer_norm")}
    send(report)
    return ns


def source_of(fn):
    try:
        return inspect.getsource(fn) if callable(fn) else None
    except (OSError, TypeError):
        return None


# ---------------------------------------------------------------- recording values


def encode_value(v):
    """A value as JSON: an array as its shape and its float64 bytes (little-endian, row-major) in
    base64 — exact, NaN and infinities included, and quick to write and read — else a note."""
    if isinstance(v, (tuple, list)) and v and all(hasattr(x, "shape") for x in v):
        first = encode_value(v[0])
        first["tuple"] = len(v)
        return first
    try:
        a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        return {"error": f"returned {type(v).__name__}, not an array"}
    if a.ndim == 0 and not isinstance(v, (int, float, np.number, np.ndarray)):
        return {"error": f"returned {type(v).__name__}, not an array"}
    out = {"shape": list(a.shape)}
    if a.size <= MAX_ELEMENTS:
        out["f64"] = base64.b64encode(np.ascontiguousarray(a, dtype="<f8").tobytes()).decode("ascii")
    return out


def matrix(a):
    return encode_value(a)


def draw(seed, shapes):
    """np.random.seed(seed) and one randn per shape, as the homework's cell does."""
    _SEED(seed)
    return [_RANDN(*s) for s in shapes]


def call_student(fn, args, budget):
    try:
        with budget:
            return {"value": encode_value(fn(*[np.array(a, copy=True) for a in args]))}
    except BaseException as e:  # noqa: BLE001
        return {"error": error_info(e)}


def grade_q1(ns, cases, budget):
    """self_attention on every case, read both ways: projections (X·Wq, …) and weights (Wq, …)."""
    fn = ns.get("self_attention")
    if not callable(fn):
        return {"missing": True}
    out = []
    for c in cases:
        x, wq, wk, wv = draw(c["seed"], [(c["seq"], c["emb"])] + [(c["emb"], c["dmodel"])] * 3)
        q, k, v = x @ wq, x @ wk, x @ wv
        out.append({
            **c,
            "inputs": {n: matrix(m) for n, m in zip(("x", "wq", "wk", "wv", "q", "k", "v"),
                                                    (x, wq, wk, wv, q, k, v))},
            "projections": call_student(fn, (x, q, k, v), budget),
            "weights": call_student(fn, (x, wq, wk, wv), budget),
        })
    return {"cases": out}


class Recorder:
    """Wraps, for one call of encoder_layer, the notebook's pieces and the random generator."""

    WRAPPED = ("self_attention", "feed_forward", "layer_norm")
    RNG = ("randn", "rand", "random", "normal", "standard_normal", "uniform", "randint", "seed")

    def __init__(self, ns):
        self.ns = ns
        self.calls = []
        self.depth = 0
        self.truncated = False
        self.saved = {}

    def wrap(self, name, fn, rng=False):
        def wrapper(*args, **kwargs):
            record = None
            if len(self.calls) < MAX_CALLS:
                record = {"fn": name, "depth": self.depth}
                if rng:
                    record["args"] = [repr(a)[:50] for a in args] + [f"{k}={v!r}"[:50] for k, v in kwargs.items()]
                else:
                    record["args"] = [encode_value(a) for a in args]
                    if kwargs:
                        record["kwargs"] = sorted(kwargs)
                self.calls.append(record)
            else:
                self.truncated = True
            self.depth += 1
            try:
                result = fn(*args, **kwargs)
            except BaseException as e:
                if record is not None:
                    record["error"] = error_info(e)
                raise
            finally:
                self.depth -= 1
            if record is not None:
                if rng and result is None:
                    pass
                elif rng:
                    record["shape"] = list(np.shape(result))
                    record["result"] = encode_value(result)
                else:
                    record["result"] = encode_value(result)
            return result

        return wrapper

    def __enter__(self):
        for name in self.WRAPPED:
            fn = self.ns.get(name)
            if callable(fn):
                self.saved[("ns", name)] = fn
                self.ns[name] = self.wrap(name, fn)
        for name in self.RNG:
            fn = getattr(np.random, name)
            self.saved[("rng", name)] = fn
            setattr(np.random, name, self.wrap(name, fn, rng=True))
        return self

    def __exit__(self, *exc):
        for (where, name), fn in self.saved.items():
            if where == "ns":
                self.ns[name] = fn
            else:
                setattr(np.random, name, fn)
        return False


def grade_q2(ns, cases, budget):
    """encoder_layer after np.random.seed(s) and the cell's draws, every inner call recorded."""
    fn = ns.get("encoder_layer")
    if not callable(fn):
        return {"missing": True}
    out = []
    for c in cases:
        seq, emb, dk = c["seq"], c["emb"], c["dmodel"]
        x, wq, wk, wv, wo = draw(c["seed"], [(seq, emb), (emb, dk), (emb, dk), (emb, dk), (dk, emb)])
        case = {**c, "inputs": {n: matrix(m) for n, m in zip(("x", "wq", "wk", "wv", "wo"), (x, wq, wk, wv, wo))}}
        with Recorder(ns) as rec:
            try:
                with budget:
                    case["output"] = encode_value(fn(x, wq, wk, wv, wo))
            except BaseException as e:  # noqa: BLE001
                case["error"] = error_info(e)
        case["calls"] = rec.calls
        case["calls_truncated"] = rec.truncated
        out.append(case)
    return {"cases": out}


# ---------------------------------------------------------------- the child


def child(sub, request, result_w, out_w, workdir):
    """Runs in the forked process: confine, run, record, exit without returning."""
    try:
        os.setpgid(0, 0)
        signal.set_wakeup_fd(-1)  # the parent's wake-up pipe is not the student's
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        try:
            LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the parent
        except AttributeError:
            pass
        cap = int(request["memory_mb"]) * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            capped = True
        except (ValueError, OSError):  # macOS refuses RLIMIT_AS: run uncapped, and say so
            capped = False
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        for fd in (null, out_w):
            os.close(fd)
        os.closerange(3, result_w)
        os.closerange(result_w + 1, 1 << 16)
        os.chdir(workdir)
        os.environ["TMPDIR"] = workdir
        tempfile.tempdir = workdir
        sys.stdin = open(os.devnull)
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
            signal.signal(s, signal.SIG_DFL)
        signal.signal(signal.SIGALRM, on_alarm)
        os._exit = exit_instead
        results = os.fdopen(result_w, "w")

        def send(obj):
            results.write(json.dumps(obj, allow_nan=False) + "\n")
            results.flush()

        if not capped:
            send({"type": "uncapped"})
        ns = run_submission(sub, request, send)
        if ns is not None:
            t = request["timeout"]
            send({"type": "q1", **grade_q1(ns, request["q1"], Budget(t * 0.2))})
            send({"type": "q2", **grade_q2(ns, request["q2"], Budget(t * 0.2))})
        send({"type": "done"})
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:  # noqa: BLE001 — the student may have closed them
                pass
        _REAL_EXIT(0)
    except BaseException:  # noqa: BLE001
        try:
            os.write(result_w, (json.dumps({"type": "fatal", "error": {
                "type": "HarnessError", "message": traceback.format_exc()[-800:]}}) + "\n").encode())
        finally:
            _REAL_EXIT(70)


# ---------------------------------------------------------------- the parent


class Running:
    """One child being watched: its pipes, what it said, what it printed, its deadline."""

    def __init__(self, sub, pid, result_r, out_r, workdir, timeout):
        self.sub, self.pid, self.workdir = sub, pid, workdir
        self.started = time.monotonic()
        self.deadline = self.started + timeout
        self.fds = {result_r: "result", out_r: "out"}
        self.result_buf = bytearray()
        self.messages = []
        self.out = bytearray()
        self.out_bytes = 0
        self.status = None
        self.timed_out = False


def spawn(sub, request):
    workdir = tempfile.mkdtemp(prefix="transformer-lab-")
    result_r, result_w = os.pipe()
    out_r, out_w = os.pipe()
    sys.stdout.flush()
    # Out of the collector's sight: a child's collections would otherwise touch every object the
    # parent holds (numpy, scipy) and copy each page they sit on — 6× the cost of a child.
    gc.freeze()
    pid = os.fork()
    if pid == 0:
        os.close(result_r)
        os.close(out_r)
        child(sub, request, result_w, out_w, workdir)
    os.close(result_w)
    os.close(out_w)
    try:
        os.setpgid(pid, pid)  # also done by the child: whichever runs first wins the race
    except OSError:
        pass
    return Running(sub, pid, result_r, out_r, workdir, request["timeout"])


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def finish(run):
    """The child's one result line: what it said, how it ended, what it printed (cut short)."""
    shutil.rmtree(run.workdir, ignore_errors=True)
    messages = run.messages
    if run.result_buf.strip():
        messages.append({"type": "garbled", "text": run.result_buf[:200].decode("utf-8", "replace")})
    status = run.status
    if run.timed_out:
        ended = {"how": "timeout"}
    elif os.WIFSIGNALED(status):
        ended = {"how": "signal", "signal": signal.Signals(os.WTERMSIG(status)).name}
    else:
        ended = {"how": "exit", "code": os.WEXITSTATUS(status)}
    out = bytes(run.out).decode("utf-8", "replace")
    return {
        "type": "result",
        "id": run.sub["id"],
        "ended": ended,
        "seconds": round(time.monotonic() - run.started, 3),
        "messages": messages,
        "stdout": out,
        "stdout_bytes": run.out_bytes,
        "stdout_cut": run.out_bytes > len(run.out),
    }


def parent(request):
    subs = list(request["submissions"])
    jobs = max(1, int(request.get("jobs") or 1))
    limit = int(request.get("output_limit") or 65536)
    sel = selectors.DefaultSelector()
    running = {}

    def stop_all(signum, frame):
        for r in running.values():
            kill_group(r.pid)
            shutil.rmtree(r.workdir, ignore_errors=True)
        _REAL_EXIT(128 + signum)

    signal.signal(signal.SIGTERM, stop_all)
    signal.signal(signal.SIGINT, stop_all)
    # A child's end wakes the loop (SIGCHLD through a pipe), so it sleeps until something
    # happens or a deadline comes, instead of polling.
    wake_r, wake_w = os.pipe()
    for fd in (wake_r, wake_w):
        os.set_blocking(fd, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda signum, frame: None)
    sel.register(wake_r, selectors.EVENT_READ, None)
    while subs or running:
        while subs and len(running) < jobs:
            r = spawn(subs.pop(0), request)
            running[r.pid] = r
            for fd in r.fds:
                sel.register(fd, selectors.EVENT_READ, r)
        now = time.monotonic()
        wait = min(r.deadline for r in running.values()) - now
        for key, _ in sel.select(timeout=max(0.0, min(wait, 1.0))):
            r = key.data
            if r is None:
                while True:
                    try:
                        os.read(wake_r, 4096)
                    except BlockingIOError:
                        break
                continue
            chunk = os.read(key.fd, 1 << 16)
            if not chunk:
                sel.unregister(key.fd)
                os.close(key.fd)
                del r.fds[key.fd]
            elif r.fds[key.fd] == "out":
                r.out_bytes += len(chunk)
                room = limit - len(r.out)
                if room > 0:
                    r.out += chunk[:room]
            else:
                r.result_buf += chunk
                if b"\n" not in chunk:
                    continue  # a long message arrives in many chunks: split once it is whole
                *lines, rest = r.result_buf.split(b"\n")
                r.result_buf = bytearray(rest)
                for line in lines:
                    if line.strip():
                        try:
                            r.messages.append(json.loads(line))
                        except ValueError:
                            r.messages.append({"type": "garbled", "text": line[:200].decode("utf-8", "replace")})
        now = time.monotonic()
        for pid, r in list(running.items()):
            if r.status is None:
                ended = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
                if ended is None and now >= r.deadline:
                    r.timed_out = True
                if ended is not None or r.timed_out:
                    # Kill the group while the unreaped child still holds its id, so the id
                    # cannot have been reused; whatever the student started ends with it.
                    kill_group(pid)
                    _, r.status = os.waitpid(pid, 0)
            # Ended and its pipes drained; past the deadline what is unread is dropped (a
            # process that left the group may still hold them).
            if r.status is not None and (not r.fds or r.timed_out or now >= r.deadline):
                for fd in list(r.fds):
                    sel.unregister(fd)
                    os.close(fd)
                r.fds.clear()
                del running[pid]
                emit(finish(r))
    emit({"type": "end"})


WARM_UP = """
import numpy as np
from numpy import matmul
from scipy.special import softmax
def self_attention(X, query, key, value):
    return matmul(softmax(matmul(query, key.T) / np.sqrt(key.shape[-1]), axis=-1), value)
def feed_forward(x):
    return matmul(np.maximum(0, matmul(x, np.random.randn(x.shape[-1], 4))), np.random.randn(4, x.shape[-1]))
def layer_norm(x):
    return (x - np.mean(x, axis=-1, keepdims=True)) / np.sqrt(np.var(x, axis=-1, keepdims=True) + 1e-8)
def encoder_layer(x, Wq, Wk, Wv, Wo):
    x = layer_norm(x + matmul(self_attention(x, matmul(x, Wq), matmul(x, Wk), matmul(x, Wv)), Wo))
    return layer_norm(x + feed_forward(x))
"""


def warm_up():
    """Runs a tiny homework through every step a child takes, so that what numpy, scipy and
    Python set up on first use is set up once, here, and shared by every fork."""
    ns = {"__name__": "__main__", "__builtins__": __builtins__}
    run_source(WARM_UP, "<warm-up>", ns, Budget(60))
    strip_magics("%time x\n")
    q3_from_cells([("markdown", "# Questão 3\n**Sua resposta aqui**"), ("code", "# a")])
    q3_from_script("# Q3\n'text'\n")
    source_of(ns["layer_norm"])
    case = [{"seed": 0, "seq": 2, "emb": 3, "dmodel": 1}]
    json.dumps([grade_q1(ns, case, Budget(60)), grade_q2(ns, case, Budget(60))], allow_nan=False)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)


def main():
    request = json.load(sys.stdin)
    signal.signal(signal.SIGALRM, on_alarm)
    warm_up()

    emit({"type": "ready", "python": sys.version.split()[0], "numpy": np.__version__,
          "scipy": scipy.__version__, "executable": sys.executable})
    parent(request)


if __name__ == "__main__":
    main()
