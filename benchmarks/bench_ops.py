"""Per-op overhead, long-chain backward and training memory of minigrad (issue 7).

Three measurements:

1. ``ops``: add, mul, matmul, relu and sum of float32 arrays (8x8, 64x64, 1024x1024),
   forward only and forward + backward, against plain NumPy doing the same work: the
   forward, plus for fwd+bwd the VJP formulas (add: g for both inputs; mul: g*b, g*a;
   matmul: g @ bᵀ, aᵀ @ g; relu: g * [out > 0]; sum: g broadcast as a view). minigrad
   runs with inputs that require grad, so forward includes recording the graph, and
   backward includes giving each leaf its own ``.grad`` array (a copy where NumPy's VJP
   passes g through). Timings alternate between the two, batches of calls, median.
2. ``chain``: a chain of 100,000 elementwise ops on a small tensor: the time of its
   backward against the time of its forward (the issue's target: backward < 2x forward).
3. ``memory``: N training steps of the ``mnist`` workload of ``bench_train.py`` with
   minigrad (in a fresh process): traced memory (tracemalloc) and RSS sampled after step
   100 and along the way; flat means no growth after step 100.

    python benchmarks/bench_ops.py
    python benchmarks/bench_ops.py --sections chain,memory --mem-steps 2000 --json
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np

import minigrad as mg

SECTIONS = ("ops", "chain", "memory")
SIZES = {"8x8": 8, "64x64": 64, "1024x1024": 1024}
OPS = ("add", "mul", "matmul", "relu", "sum")


# ---- timing --------------------------------------------------------------------------------


def _per_call(fn: Callable[[], Any], calls: int) -> float:
    """Seconds per call of ``fn`` over a batch of ``calls`` calls."""
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls


def _calls_per_batch(fn: Callable[[], Any], batch_time: float) -> int:
    """How many calls of ``fn`` take about ``batch_time`` seconds (at least 1)."""
    fn()  # warm-up
    rough = max(1, int(batch_time / max(_per_call(fn, 1), 1e-9)))
    return max(1, int(batch_time / max(_per_call(fn, rough), 1e-9)))


def time_pair(a: Callable[[], Any], b: Callable[[], Any], repeats: int, batch_time: float) -> tuple:
    """Median µs per call of ``a`` and of ``b``, their batches alternating."""
    calls_a = _calls_per_batch(a, batch_time)
    calls_b = _calls_per_batch(b, batch_time)
    ta, tb = [], []
    for r in range(repeats):
        if r % 2:
            tb.append(_per_call(b, calls_b))
            ta.append(_per_call(a, calls_a))
        else:
            ta.append(_per_call(a, calls_a))
            tb.append(_per_call(b, calls_b))
    return float(np.median(ta)) * 1e6, float(np.median(tb)) * 1e6


# ---- 1. per-op overhead --------------------------------------------------------------------


def op_cases(name: str, n: int, rng: np.random.Generator) -> dict:
    """NumPy and minigrad callables for one op and size: fwd and fwd+bwd of each."""
    A = rng.standard_normal((n, n)).astype(np.float32)
    B = rng.standard_normal((n, n)).astype(np.float32)
    G = rng.standard_normal((n, n)).astype(np.float32)
    a = mg.tensor(A, requires_grad=True)
    b = mg.tensor(B, requires_grad=True)
    g = mg.tensor(G)

    if name == "add":
        np_fwd = lambda: A + B
        np_vjp = lambda out: (G, G)
        mg_fwd = lambda: a + b
    elif name == "mul":
        np_fwd = lambda: A * B
        np_vjp = lambda out: (G * B, G * A)
        mg_fwd = lambda: a * b
    elif name == "matmul":
        np_fwd = lambda: A @ B
        np_vjp = lambda out: (G @ B.T, A.T @ G)
        mg_fwd = lambda: a @ b
    elif name == "relu":
        np_fwd = lambda: np.maximum(A, 0)
        np_vjp = lambda out: G * (out > 0)
        mg_fwd = lambda: a.relu()
    elif name == "sum":
        np_fwd = lambda: A.sum()
        np_vjp = lambda out: np.broadcast_to(np.float32(1), A.shape)
        mg_fwd = lambda: a.sum()
    else:
        raise ValueError(name)
    seed = None if name == "sum" else g  # sum's output is a scalar: backward() seeds 1

    def np_fwd_bwd() -> Any:
        return np_vjp(np_fwd())

    def mg_fwd_bwd() -> None:
        a.grad = None
        b.grad = None
        mg_fwd().backward(seed)

    return {"numpy": (np_fwd, np_fwd_bwd), "minigrad": (mg_fwd, mg_fwd_bwd)}


def bench_ops(args: argparse.Namespace) -> list:
    rng = np.random.default_rng(0)
    rows = []
    for size, n in SIZES.items():
        for name in OPS:
            cases = op_cases(name, n, rng)
            row: dict = {"op": name, "size": size}
            for mode, i in (("fwd", 0), ("fwd_bwd", 1)):
                np_us, mg_us = time_pair(
                    cases["numpy"][i], cases["minigrad"][i], args.repeats, args.batch_time
                )
                row[mode] = {"numpy_us": np_us, "minigrad_us": mg_us, "ratio": mg_us / np_us}
            rows.append(row)
    return rows


def ops_table(rows: list) -> str:
    head = (
        f"{'op':<7}{'size':<11}{'numpy fwd':>10}{'mg fwd':>10}{'ratio':>8}{'+µs':>8}"
        f"{'numpy f+b':>11}{'mg f+b':>10}{'ratio':>8}{'+µs':>9}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        f, fb = r["fwd"], r["fwd_bwd"]
        lines.append(
            f"{r['op']:<7}{r['size']:<11}"
            f"{f['numpy_us']:>10.1f}{f['minigrad_us']:>10.1f}{f['ratio']:>8.2f}"
            f"{f['minigrad_us'] - f['numpy_us']:>8.1f}"
            f"{fb['numpy_us']:>11.1f}{fb['minigrad_us']:>10.1f}{fb['ratio']:>8.2f}"
            f"{fb['minigrad_us'] - fb['numpy_us']:>9.1f}"
        )
    lines.append("µs per call, median; ratio = minigrad / numpy; +µs = minigrad - numpy")
    return "\n".join(lines)


# ---- 2. a long chain -----------------------------------------------------------------------


def chain_forward(x: mg.Tensor, n_ops: int) -> mg.Tensor:
    """``n_ops`` elementwise ops in a row: x*1.0001, +1e-4, relu, and again."""
    y = x
    for i in range(n_ops):
        k = i % 3
        if k == 0:
            y = y * 1.0001
        elif k == 1:
            y = y + 1e-4
        else:
            y = y.relu()
    return y


def _run_chain(x: mg.Tensor, n_ops: int, seed: mg.Tensor, collect: bool) -> tuple:
    """(forward, backward, release) seconds of one chain; the cyclic GC on or off."""
    x.grad = None
    if not collect:
        gc.disable()
    try:
        t0 = time.perf_counter()
        y = chain_forward(x, n_ops)
        t1 = time.perf_counter()
        y.backward(seed)
        t2 = time.perf_counter()
        del y
        t3 = time.perf_counter()
    finally:
        gc.enable()
    gc.collect()
    return t1 - t0, t2 - t1, t3 - t2


def bench_chain(args: argparse.Namespace) -> dict:
    """Median forward and backward times of the chain, with Python's cyclic GC on (as a
    user runs) and off (the engine's own cost: with it on, every collection walks the
    growing graph)."""
    x = mg.tensor(np.linspace(0.5, 1.5, 16, dtype=np.float32).reshape(4, 4), requires_grad=True)
    seed = mg.ones(4, 4)
    result: dict = {"ops": args.chain_ops}
    for label, collect in (("gc_on", True), ("gc_off", False)):
        runs = np.array(
            [_run_chain(x, args.chain_ops, seed, collect) for _ in range(args.chain_repeats)]
        )
        f, b, r = np.median(runs, axis=0)
        result[label] = {
            "forward_s": float(f),
            "backward_s": float(b),
            "release_s": float(r),
            "backward/forward": float(b / f),
        }
    result["grad_finite"] = bool(np.isfinite(x.grad.data).all())
    return result


def chain_text(c: dict) -> str:
    lines = []
    for label, name in (("gc_on", "GC on (default)"), ("gc_off", "GC off")):
        r = c[label]
        n = c["ops"]
        lines.append(
            f"chain of {n:,} ops, {name}: forward {r['forward_s'] * 1e3:.0f} ms "
            f"({r['forward_s'] / n * 1e6:.2f} µs/op), backward {r['backward_s'] * 1e3:.0f} ms "
            f"({r['backward_s'] / n * 1e6:.2f} µs/op), backward/forward "
            f"{r['backward/forward']:.2f}; releasing the graph {r['release_s'] * 1e3:.0f} ms"
        )
    ratio = c["gc_on"]["backward/forward"]
    lines.append(f"target backward < 2x forward (GC on): {'met' if ratio < 2 else 'MISSED'}")
    return "\n".join(lines)


# ---- 3. memory over many training steps ----------------------------------------------------


def _rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc; NaN elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
    except OSError:
        return float("nan")
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory_worker(conn: Any, steps: int) -> None:
    """Train ``mnist`` with minigrad for ``steps`` steps; send memory samples."""
    from bench_train import WORKLOADS, make_problem, make_trainer

    trainer = make_trainer("minigrad", make_problem(WORKLOADS["mnist"]), threads=1)
    batches = trainer.batches
    marks = sorted({100, *range(1000, steps + 1, 1000), steps})
    samples = []
    tracemalloc.start()
    for i in range(1, steps + 1):
        trainer.step(*batches[i % len(batches)])
        if i in marks:
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            samples.append(
                {
                    "step": i,
                    "traced_mb": current / 2**20,
                    "peak_mb": peak / 2**20,
                    "rss_mb": _rss_mb(),
                }
            )
    tracemalloc.stop()
    conn.send(samples)


def bench_memory(args: argparse.Namespace) -> dict:
    ctx = mp.get_context("spawn")
    conn, child = ctx.Pipe()
    p = ctx.Process(target=memory_worker, args=(child, args.mem_steps), daemon=True)
    p.start()
    samples = conn.recv()
    p.join()
    base = samples[0]
    later = samples[1:] or samples
    growth = {
        "traced_mb": max(s["traced_mb"] for s in later) - base["traced_mb"],
        "peak_mb": max(s["peak_mb"] for s in later) - base["peak_mb"],
        "rss_mb": max(s["rss_mb"] for s in later) - base["rss_mb"],
    }
    # A leak grows steadily: from the second sample on, a few bytes per step would show.
    late_bytes_per_step = (
        (samples[-1]["traced_mb"] - later[0]["traced_mb"])
        * 2**20
        / max(samples[-1]["step"] - later[0]["step"], 1)
    )
    # Flat: no more than 1 MB (a few batches' worth of temporaries) above step 100.
    return {"steps": args.mem_steps, "samples": samples, "growth_mb": growth,
            "late_bytes_per_step": late_bytes_per_step,
            "flat": growth["traced_mb"] < 1 and growth["peak_mb"] < 1}  # fmt: skip


def memory_text(m: dict) -> str:
    lines = [f"memory over {m['steps']:,} mnist training steps (minigrad):"]
    lines.append(f"{'step':>7}{'traced MB':>11}{'peak MB':>10}{'RSS MB':>9}")
    for s in m["samples"]:
        lines.append(
            f"{s['step']:>7}{s['traced_mb']:>11.2f}{s['peak_mb']:>10.2f}{s['rss_mb']:>9.1f}"
        )
    g = m["growth_mb"]
    lines.append(
        f"growth after step 100: traced {g['traced_mb']:+.2f} MB, peak {g['peak_mb']:+.2f} MB, "
        f"RSS {g['rss_mb']:+.1f} MB -> {'flat' if m['flat'] else 'GROWING'}"
    )
    first = m["samples"][min(1, len(m["samples"]) - 1)]["step"]
    lines.append(
        f"traced memory from step {first:,} to the end: {m['late_bytes_per_step']:+.1f} bytes/step"
    )
    lines.append("traced = tracemalloc's current; peak = its peak since the previous sample")
    return "\n".join(lines)


# ---- main ------------------------------------------------------------------------------------


def parse_args(argv: list | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sections", default=",".join(SECTIONS), help="comma-separated: " + ", ".join(SECTIONS)
    )
    p.add_argument("--repeats", type=int, default=21, help="timed batches per op and side")
    p.add_argument("--batch-time", type=float, default=0.01, help="seconds per timed batch")
    p.add_argument("--chain-ops", type=int, default=100_000, help="length of the chain")
    p.add_argument("--chain-repeats", type=int, default=5, help="runs of the chain")
    p.add_argument("--mem-steps", type=int, default=10_000, help="mnist steps for memory")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = p.parse_args(argv)
    args.sections = [s for s in args.sections.split(",") if s]
    for s in args.sections:
        if s not in SECTIONS:
            p.error(f"unknown section {s!r} (choose from {', '.join(SECTIONS)})")
    return args


def main(argv: list | None = None) -> int:
    args = parse_args(argv)
    report: dict = {}
    if "ops" in args.sections:
        report["ops"] = bench_ops(args)
        if not args.json:
            print(ops_table(report["ops"]), end="\n\n", flush=True)
    if "chain" in args.sections:
        report["chain"] = bench_chain(args)
        if not args.json:
            print(chain_text(report["chain"]), end="\n\n", flush=True)
    if "memory" in args.sections:
        report["memory"] = bench_memory(args)
        if not args.json:
            print(memory_text(report["memory"]), flush=True)
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
