"""Layers beyond the MLP, against PyTorch eager: forward and backward time of one call.

Each case builds the same inputs and parameters in both frameworks (float32, drawn from
NumPy), runs the layer and then ``backward`` with a random output gradient (also the same
in both), and times the two phases separately. Each framework runs in its own process (a
process that has run PyTorch's threads slows NumPy in it down), in rounds that alternate
between the frameworks, so drift hits both alike; the table shows the median over all
repetitions and the ratio minigrad / PyTorch. Two last cases, ``cnn step`` and
``transformer step``, are whole training steps (forward, cross-entropy, zero_grad,
backward, SGD) of a small CNN and of a small transformer, timed as one phase.

Before timing, each case is checked: minigrad's output and input gradient must match
PyTorch's (rtol 1e-4, atol 1e-5 of the largest value); a mismatch is printed as FAILURE and
the case is not timed. Without torch installed only minigrad's times are printed.

    python benchmarks/bench_layers.py
    python benchmarks/bench_layers.py --cases conv,pool --reps 30 --json
    python benchmarks/bench_layers.py --check-only
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import json
import multiprocessing as mp
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

SEED = 0


class Case:
    """A layer to time: ``inputs`` the input's shape, ``params`` the shapes of the other
    tensor arguments (all requiring grad), ``call(lib, x, *params)`` the forward."""

    def __init__(self, name: str, inputs: tuple, call: Callable, params: tuple = ()) -> None:
        self.name, self.inputs, self.call, self.params = name, inputs, call, params


def _F(lib: Any) -> Any:
    return lib.nn.functional


CASES = [
    Case("conv2d 8->16 3x3", (64, 8, 28, 28),
         lambda L, x, w, b: _F(L).conv2d(x, w, b, padding=1), ((16, 8, 3, 3), (16,))),
    Case("conv2d 32->64 3x3 s2", (32, 32, 32, 32),
         lambda L, x, w: _F(L).conv2d(x, w, stride=2, padding=1), ((64, 32, 3, 3),)),
    Case("conv1d 16->32 k5", (32, 16, 200), lambda L, x, w: _F(L).conv1d(x, w, padding=2),
         ((32, 16, 5),)),
    Case("max_pool2d 2", (64, 16, 28, 28), lambda L, x: _F(L).max_pool2d(x, 2)),
    Case("max_pool2d 3 s1 p1", (64, 16, 28, 28), lambda L, x: _F(L).max_pool2d(x, 3, 1, 1)),
    Case("avg_pool2d 2", (64, 16, 28, 28), lambda L, x: _F(L).avg_pool2d(x, 2)),
    Case("batch_norm (train)", (64, 16, 28, 28),
         lambda L, x, w, b: _F(L).batch_norm(x, None, None, w, b, training=True),
         ((16,), (16,))),
    Case("layer_norm", (64, 128, 256), lambda L, x, w, b: _F(L).layer_norm(x, (256,), w, b),
         ((256,), (256,))),
    Case("gelu", (64, 128, 256), lambda L, x: _F(L).gelu(x)),
    Case("softmax", (64, 128, 256), lambda L, x: _F(L).softmax(x, -1)),
    Case("embedding", (1000, 64), lambda L, x: _F(L).embedding(L.arange(20000) % 1000, x)),
    Case("x[int index]", (10000, 64), lambda L, x: x[L.arange(20000) * 7 % 10000]),
]  # fmt: skip


def _tensors(lib: Any, shapes: tuple) -> list:
    """Tensors of the given shapes from one NumPy stream (the same values in both)."""
    rng = np.random.default_rng(SEED)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    return [lib.tensor(a, requires_grad=True) for a in arrays]


def _run(lib: Any, case: Case) -> tuple:
    """One call: (forward seconds, backward seconds, output, input gradient)."""
    x, *params = _tensors(lib, (case.inputs, *case.params))
    t0 = time.perf_counter()
    y = case.call(lib, x, *params)
    t1 = time.perf_counter()
    g = lib.tensor(np.random.default_rng(SEED + 1).standard_normal(y.shape).astype(np.float32))
    t2 = time.perf_counter()
    y.backward(g)
    t3 = time.perf_counter()
    return t1 - t0, t3 - t2, y.detach().numpy(), x.grad.numpy()


def _cnn(lib: Any) -> Callable[[], Any]:
    """A training step of a small CNN for 28x28 images, batch 64, as a user writes it."""
    nn = lib.nn
    lib.manual_seed(SEED)
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 10),
    )  # fmt: skip
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    rng = np.random.default_rng(SEED)
    x = lib.tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32))
    y = lib.tensor(rng.integers(0, 10, 64))

    def step() -> Any:
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return step


def _transformer(lib: Any) -> Callable[[], Any]:
    """A training step of a small transformer language model, as a user writes it: token
    embedding, one encoder layer (4 heads, GELU, no dropout) and a linear head over a
    vocabulary of 1000, next-token cross-entropy over 32 sequences of 32 tokens."""
    nn = lib.nn
    lib.manual_seed(SEED)
    d, vocab = 64, 1000
    layer = nn.TransformerEncoderLayer(d, 4, 256, dropout=0.0, activation="gelu",
                                       batch_first=True)  # fmt: skip
    model = nn.Sequential(nn.Embedding(vocab, d), layer, nn.Linear(d, vocab))
    opt = lib.optim.SGD(model.parameters(), lr=0.01)
    tokens = np.random.default_rng(SEED).integers(0, vocab, (32, 33))
    x, y = lib.tensor(tokens[:, :-1]), lib.tensor(tokens[:, 1:].reshape(-1))

    def step() -> Any:
        loss = nn.functional.cross_entropy(model(x).reshape(-1, vocab), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return step


STEPS = {"cnn step": _cnn, "transformer step": _transformer}


def _worker(framework: str, names: list, reps: int, threads: int) -> dict:
    """In a fresh process: per case, the phases' times over ``reps`` repetitions after one
    warm-up (``reps`` 0: one run, returning the output and the input gradient instead)."""
    lib = importlib.import_module(framework)
    if framework == "torch":
        lib.set_num_threads(threads)
    out: dict = {}
    for case in [c for c in CASES if c.name in names]:
        runs = [_run(lib, case) for _ in range(reps + 1)]
        if reps:
            out[case.name] = {"forward": [r[0] for r in runs[1:]],
                              "backward": [r[1] for r in runs[1:]]}  # fmt: skip
        else:
            out[case.name] = runs[0][2:]
    for name in [n for n in STEPS if n in names]:
        step = STEPS[name](lib)
        if reps:
            times = []
            for _ in range(reps + 3):  # 3 warm-up steps
                t0 = time.perf_counter()
                step()
                times.append(time.perf_counter() - t0)
            out[name] = {"step": times[3:]}
        else:
            out[name] = [float(step().item()) for _ in range(3)]
    return out


def _in_process(framework: str, names: list, reps: int, threads: int) -> dict:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(_worker, (framework, names, reps, threads))


def _mismatch(mine: Any, theirs: Any) -> str | None:
    """Why minigrad's (output, input gradient) or a step's losses differ from PyTorch's, or
    None."""
    if isinstance(mine, list):
        ok = np.allclose(mine, theirs, rtol=1e-4)
        return None if ok else f"losses {mine}, PyTorch's {theirs}"
    for what, a, b in zip(("output", "input gradient"), mine, theirs):
        if a.shape != b.shape:
            return f"{what} shape {a.shape}, PyTorch's {b.shape}"
        scale = float(np.abs(b).max()) if b.size else 0.0
        if not np.allclose(a, b, rtol=1e-4, atol=1e-5 * scale):
            return f"{what} differs from PyTorch's by up to {np.abs(a - b).max():.3g}"
    return None


def check(names: list, threads: int) -> dict:
    """Per case: ok, or FAILURE and why (minigrad against PyTorch, each run once)."""
    mine, theirs = (_in_process(fw, names, 0, threads) for fw in ("minigrad", "torch"))
    report = {}
    for name in mine:
        reason = _mismatch(mine[name], theirs[name])
        report[name] = {"status": "FAILURE", "reason": reason} if reason else {"status": "ok"}
    return report


def measure(names: list, reps: int, rounds: int, threads: int, torch: bool) -> dict:
    """Per case: the median times in µs and the ratios, or FAILURE (not timed)."""
    report = check(names, threads) if torch else {}
    timed = [n for n in names if report.get(n, {"status": "ok"})["status"] == "ok"]
    frameworks = ["minigrad", "torch"] if torch else ["minigrad"]
    times: dict = {fw: {} for fw in frameworks}
    for r in range(rounds):
        for fw in frameworks[r % 2 :] + frameworks[: r % 2]:  # the order alternates
            for name, phases in _in_process(fw, timed, reps, threads).items():
                for phase, ts in phases.items():
                    times[fw].setdefault(name, {}).setdefault(phase, []).extend(ts)
    for name in timed:
        report[name] = _medians({fw: times[fw][name] for fw in frameworks})
    return report


def _medians(times: dict) -> dict:
    entry: dict = {"status": "ok"}
    for fw, phases in times.items():
        entry[fw] = {p: float(np.median(ts) * 1e6) for p, ts in phases.items()}
    if "torch" in entry:
        entry["ratio"] = {p: entry["minigrad"][p] / entry["torch"][p] for p in entry["minigrad"]}
    return entry


def table(report: dict) -> str:
    lines = [f"{'case':22} {'phase':9} {'minigrad µs':>12} {'torch µs':>10} {'mg/torch':>9}"]
    for name, entry in report.items():
        if entry["status"] != "ok":
            lines.append(f"{name:22} FAILURE: {entry['reason']}")
            continue
        for phase, t in entry["minigrad"].items():
            torch_t = entry.get("torch", {}).get(phase)
            ratio = entry.get("ratio", {}).get(phase)
            lines.append(
                f"{name:22} {phase:9} {t:12.0f} "
                + (f"{torch_t:10.0f} {ratio:9.2f}" if torch_t else f"{'skipped':>10}")
            )
    return "\n".join(lines)


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [c.name for c in CASES] + list(STEPS)
    parser.add_argument("--cases", help="comma-separated substrings of case names (default all)")
    parser.add_argument("--reps", type=int, default=10, help="timed repetitions per round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds per framework")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch's intra-op threads")
    parser.add_argument("--check-only", action="store_true", help="only compare with PyTorch")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.cases:
        wanted = args.cases.split(",")
        names = [n for n in names if any(w in n for w in wanted)]
    spec = importlib.util.find_spec("torch")
    torch_version = importlib.metadata.version("torch") if spec else None
    if args.check_only:
        report = check(names, args.threads) if spec else {}
    else:
        report = measure(names, args.reps, args.rounds, args.threads, spec is not None)
    ok = all(e["status"] == "ok" for e in report.values())
    out = {"torch": torch_version, "cases": report, "ok": ok}
    if args.json:
        print(json.dumps(out, indent=2))
    elif args.check_only:
        print("\n".join(f"{n}: {e['status']} {e.get('reason', '')}" for n, e in report.items()))
    else:
        print(table(report))
        if not spec:
            print("torch not installed: minigrad only")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
