"""Training-step time: minigrad vs hand-written NumPy backprop vs PyTorch eager (issue 7).

One training step is forward, loss, backward and a plain SGD update (lr 0.01, no
momentum), for the same model, the same initial weights and the same batches in
every framework:

- ``minigrad``: ``nn.Sequential`` of ``nn.Linear`` and activation modules, an ``nn``
  loss, ``loss.backward()``, ``optim.SGD.step()`` and ``zero_grad()``;
- ``numpy``: the textbook backprop equations written by hand, vectorised, float32,
  in place in preallocated buffers (the floor for any NumPy-based framework);
- ``torch``: the same model in PyTorch eager on the CPU, if ``torch`` is importable.

Each framework runs in its own process (imports and allocators do not interfere).
The processes first report their losses and parameter updates over a few steps from
the shared initial weights; a framework that disagrees with NumPy is reported as a
FAILURE and not timed. Then the timing runs in rounds: each round runs every
framework's process for a block of steps, one process at a time, in a rotating
order, so that drift of the (shared, noisy) machine hits all alike. Reported: the
median time per step over all timed steps.

    python benchmarks/bench_train.py                      # all workloads, table
    python benchmarks/bench_train.py --workloads tiny,mnist --steps 200 --rounds 20
    python benchmarks/bench_train.py --json               # machine-readable
    python benchmarks/bench_train.py --check-only         # correctness check only
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing as mp
import os
import platform
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

FRAMEWORKS = ("minigrad", "numpy", "torch")
LR = 0.01
SEED = 0
N_BATCHES = 8  # distinct batches, cycled through
LOSS_RTOL = 1e-4  # float32: losses agree to ~1e-6 relative; 1e-4 leaves room for BLAS order
UPDATE_RTOL = 1e-3  # parameter updates, relative to the largest element of NumPy's
NOISY = 1.5  # a framework's timings are flagged when their p75 exceeds NOISY x p25


@dataclass(frozen=True)
class Workload:
    """An MLP: ``sizes`` input first, ReLU between layers, ``output`` on the last.

    ``loss`` is ``"bce"`` (sigmoid output, targets 0/1 of shape (batch, 1)) or
    ``"cross_entropy"`` (the last layer's logits, integer class targets).
    """

    sizes: tuple
    loss: str
    batch: int

    @property
    def output(self) -> str:
        return "sigmoid" if self.loss == "bce" else "none"


WORKLOADS = {
    "tiny": Workload(sizes=(2, 8, 4, 1), loss="bce", batch=64),
    "mnist": Workload(sizes=(784, 128, 10), loss="cross_entropy", batch=128),
    "wide": Workload(sizes=(784, 512, 512, 10), loss="cross_entropy", batch=256),
    "deep": Workload(sizes=(32,) + (32,) * 10 + (1,), loss="bce", batch=32),
}


@dataclass
class Problem:
    """Initial weights (PyTorch layout: W of shape (out, in)) and batches, as NumPy arrays."""

    workload: Workload
    params: list  # [(W, b), ...] float32
    batches: list  # [(x, y), ...]; x float32 (batch, n0); y float32 (batch, 1) or int64 (batch,)


def make_problem(workload: Workload, seed: int = SEED) -> Problem:
    """The same weights and batches in every process: drawn once from a fixed seed.

    Weights follow PyTorch's ``nn.Linear`` default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    """
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(workload.sizes[:-1], workload.sizes[1:]):
        bound = 1 / np.sqrt(n_in)
        W = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
        b = rng.uniform(-bound, bound, n_out).astype(np.float32)
        params.append((W, b))
    batches = []
    m, n0, n_out = workload.batch, workload.sizes[0], workload.sizes[-1]
    for _ in range(N_BATCHES):
        x = rng.standard_normal((m, n0)).astype(np.float32)
        if workload.loss == "bce":
            y = rng.integers(0, 2, (m, 1)).astype(np.float32)
        else:
            y = rng.integers(0, n_out, m).astype(np.int64)
        batches.append((x, y))
    return Problem(workload, params, batches)


# ---- the three implementations -----------------------------------------------------------
# Each takes a Problem and offers: ``batches`` (in its own types), ``step(x, y)`` (one
# training step, returning the loss in its own type), ``loss_value(loss)`` -> float and
# ``parameters()`` -> a list of NumPy arrays W1, b1, W2, b2, ...


class NumpyTrainer:
    """Hand-written backprop: the textbook equations, rows as samples, in place.

    Forward  Z[l] = A[l-1] @ W[l]ᵀ + b[l],  A[l] = relu(Z[l]) (last: sigmoid or none).
    Output   dZ[L] = (A[L] - Y) / (m n_L) for sigmoid + BCE, (softmax(Z[L]) - onehot(Y)) / m
             for cross-entropy.
    Backward dW[l] = dZ[l]ᵀ @ A[l-1],  db[l] = Σ_rows dZ[l],
             dZ[l-1] = (dZ[l] @ W[l]) * [A[l-1] > 0]  (relu'(Z) = [A > 0]).
    Update   W[l] -= lr dW[l],  b[l] -= lr db[l]  (once W[l] has been used for dZ[l-1]).
    """

    def __init__(self, problem: Problem) -> None:
        wl = problem.workload
        self.loss_kind = wl.loss
        self.W = [W.copy() for W, _ in problem.params]
        self.b = [b.copy() for _, b in problem.params]
        self.batches = problem.batches
        m, f32 = wl.batch, np.float32
        widths = wl.sizes[1:]
        # A[l] holds Z[l] and then, in place, its activation; dZ[l] its gradient.
        self.A = [np.empty((m, n), f32) for n in widths]
        self.dZ = [np.empty((m, n), f32) for n in widths]
        self.mask = [np.empty((m, n), bool) for n in widths]
        self.dW = [np.empty_like(W) for W in self.W]
        self.db = [np.empty_like(b) for b in self.b]
        self.log_a = np.empty((m, widths[-1]), f32)
        self.log_1ma = np.empty((m, widths[-1]), f32)
        self.row_max = np.empty((m, 1), f32)
        self.row_sum = np.empty((m, 1), f32)
        self.rows = np.arange(m)

    def step(self, x: np.ndarray, y: np.ndarray) -> np.floating:
        W, b, A, dZ = self.W, self.b, self.A, self.dZ
        L = len(W)
        a_prev = x
        for l in range(L):
            np.matmul(a_prev, W[l].T, out=A[l])
            A[l] += b[l]
            if l < L - 1:
                np.maximum(A[l], 0, out=A[l])
            a_prev = A[l]
        if self.loss_kind == "bce":
            loss = self._sigmoid_bce(A[-1], y, dZ[-1])
        else:
            loss = self._softmax_cross_entropy(A[-1], y, dZ[-1])
        for l in range(L - 1, -1, -1):
            a_prev = x if l == 0 else A[l - 1]
            np.matmul(dZ[l].T, a_prev, out=self.dW[l])
            dZ[l].sum(axis=0, out=self.db[l])  # the method skips np.sum's dispatch
            if l > 0:
                np.matmul(dZ[l], W[l], out=dZ[l - 1])
                np.greater(a_prev, 0, out=self.mask[l - 1])
                dZ[l - 1] *= self.mask[l - 1]
            self.dW[l] *= LR
            W[l] -= self.dW[l]
            self.db[l] *= LR
            b[l] -= self.db[l]
        return loss

    def _sigmoid_bce(self, a: np.ndarray, y: np.ndarray, dz: np.ndarray) -> np.floating:
        """a <- sigmoid(a); loss = -mean(y log a + (1-y) log(1-a)); dz = (a - y) / n."""
        np.negative(a, out=a)
        np.exp(a, out=a)
        a += 1
        np.reciprocal(a, out=a)
        log_a, log_1ma = self.log_a, self.log_1ma
        np.log(a, out=log_a)
        np.subtract(1, a, out=log_1ma)
        np.log(log_1ma, out=log_1ma)
        log_a -= log_1ma  # y log a + (1-y) log(1-a) = y (log a - log(1-a)) + log(1-a)
        n = a.size
        loss = -(np.vdot(y, log_a) + log_1ma.sum()) / n
        np.subtract(a, y, out=dz)
        dz *= 1 / n
        return loss

    def _softmax_cross_entropy(self, z: np.ndarray, y: np.ndarray, dz: np.ndarray) -> np.floating:
        """loss = mean(log Σ exp z - z[y]);  dz = (softmax(z) - onehot(y)) / m."""
        z.max(axis=1, keepdims=True, out=self.row_max)
        z -= self.row_max
        np.exp(z, out=dz)
        dz.sum(axis=1, keepdims=True, out=self.row_sum)
        m = z.shape[0]
        loss = (np.log(self.row_sum).sum() - z[self.rows, y].sum()) / m
        dz /= self.row_sum
        dz[self.rows, y] -= 1
        dz *= 1 / m
        return loss

    def loss_value(self, loss: Any) -> float:
        return float(loss)

    def parameters(self) -> list:
        return [p.copy() for W, b in zip(self.W, self.b) for p in (W, b)]


def _sequential(nn: Any, workload: Workload) -> Any:
    """Linear layers with ReLU between them and the workload's output activation."""
    layers: list = []
    sizes = workload.sizes
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    if workload.output == "sigmoid":
        layers.append(nn.Sigmoid())
    return nn.Sequential(*layers)


def _state_dict(model: Any, problem: Problem, tensor: Any) -> dict:
    """The problem's weights under the model's parameter names (``tensor`` converts)."""
    names = [name for name, _ in model.named_parameters()]
    arrays = [p for W, b in problem.params for p in (W, b)]
    return {name: tensor(a.copy()) for name, a in zip(names, arrays)}


class _ModuleTrainer:
    """A step as a PyTorch user writes it: model, loss, zero_grad, backward, SGD step."""

    model: Any
    loss_fn: Any
    opt: Any

    def step(self, x: Any, y: Any) -> Any:
        loss = self.loss_fn(self.model(x), y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return loss

    def loss_value(self, loss: Any) -> float:
        return loss.item()


class MinigradTrainer(_ModuleTrainer):
    """minigrad as a user writes it: nn.Sequential, an nn loss, optim.SGD."""

    def __init__(self, problem: Problem) -> None:
        import minigrad as mg
        from minigrad import nn, optim

        wl = problem.workload
        self.model = _sequential(nn, wl)
        self.model.load_state_dict(_state_dict(self.model, problem, mg.tensor))
        self.loss_fn = nn.BCELoss() if wl.loss == "bce" else nn.CrossEntropyLoss()
        self.opt = optim.SGD(self.model.parameters(), lr=LR)
        self.batches = [(mg.tensor(x), mg.tensor(y)) for x, y in problem.batches]

    def parameters(self) -> list:
        return [p.data.copy() for p in self.model.parameters()]


class TorchTrainer(_ModuleTrainer):
    """PyTorch eager on the CPU: the same model, loss and optimizer."""

    def __init__(self, problem: Problem, threads: int) -> None:
        import torch
        from torch import nn, optim

        torch.set_num_threads(threads)
        wl = problem.workload
        self.model = _sequential(nn, wl)
        self.model.load_state_dict(_state_dict(self.model, problem, torch.from_numpy))
        self.loss_fn = nn.BCELoss() if wl.loss == "bce" else nn.CrossEntropyLoss()
        self.opt = optim.SGD(self.model.parameters(), lr=LR)
        self.batches = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in problem.batches]

    def parameters(self) -> list:
        return [p.detach().numpy().copy() for p in self.model.parameters()]


def make_trainer(framework: str, problem: Problem, threads: int) -> Any:
    if framework == "numpy":
        return NumpyTrainer(problem)
    if framework == "minigrad":
        return MinigradTrainer(problem)
    if framework == "torch":
        return TorchTrainer(problem, threads)
    raise ValueError(f"unknown framework {framework!r}")


# ---- the worker process ------------------------------------------------------------------


CLOCKS = {"wall": time.perf_counter_ns, "cpu": time.process_time_ns}


def worker(conn: Any, framework: str, threads: int, clock_name: str) -> None:
    """Serve the parent's requests for one framework, building a trainer per workload.

    ``("check", workload, steps)`` -> the losses and parameter updates of the first
    ``steps`` steps from the initial weights; ``("time", workload, warmup, steps)`` ->
    a list of step times in ns; ``("stop",)`` -> exit. An exception is sent back as
    ``{"error": ...}`` (the parent prints it as a FAILURE).
    """
    trainers: dict = {}
    steps_done: dict = {}
    clock = CLOCKS[clock_name]
    while True:
        msg = conn.recv()
        if msg[0] == "stop":
            return
        kind, name, *counts = msg
        try:
            if name not in trainers:
                trainers[name] = make_trainer(framework, make_problem(WORKLOADS[name]), threads)
                steps_done[name] = 0
            trainer = trainers[name]
            batches = trainer.batches
            i = steps_done[name]
            if kind == "check":
                start = trainer.parameters()
                losses = []
                for _ in range(counts[0]):
                    losses.append(trainer.loss_value(trainer.step(*batches[i % len(batches)])))
                    i += 1
                updates = [p - p0 for p, p0 in zip(trainer.parameters(), start)]
                reply: Any = {
                    "losses": losses,
                    "updates": updates,
                    "threads": threads_used(framework),
                }
            else:
                warmup, steps = counts
                for _ in range(warmup):
                    trainer.step(*batches[i % len(batches)])
                    i += 1
                reply = []
                for _ in range(steps):
                    x, y = batches[i % len(batches)]
                    t0 = clock()
                    trainer.step(x, y)
                    reply.append(clock() - t0)
                    i += 1
            steps_done[name] = i
        except Exception as e:
            reply = {"error": f"{type(e).__name__}: {e}"}
        conn.send(reply)


# ---- the parent: check, then time in rounds ----------------------------------------------


def blas_threads() -> tuple:
    """(threads, description) of NumPy's BLAS, via threadpoolctl when it is installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        n = os.cpu_count() or 1
        return n, f"threadpoolctl not installed; assumed {n} (os.cpu_count())"
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            n = pool["num_threads"]
            return n, f"{pool['internal_api']} {pool.get('version')}, threads={n}"
    n = os.cpu_count() or 1
    return n, f"no BLAS found by threadpoolctl; assumed {n} (os.cpu_count())"


def threads_used(framework: str) -> str:
    """What this process computes with: the BLAS and its threads (for torch, its pool)."""
    if framework == "torch":
        import torch

        return f"torch {torch.__version__}, threads={torch.get_num_threads()}"
    return f"NumPy {np.__version__}, BLAS {blas_threads()[1]}"


def compare(reference: dict, result: dict) -> str | None:
    """None if ``result`` agrees with the NumPy ``reference``, else what differs."""
    ref_losses, losses = np.array(reference["losses"]), np.array(result["losses"])
    if not np.allclose(losses, ref_losses, rtol=LOSS_RTOL, atol=0):
        return f"losses {losses.tolist()} != numpy's {ref_losses.tolist()} (rtol {LOSS_RTOL})"
    for i, (ref, upd) in enumerate(zip(reference["updates"], result["updates"])):
        scale = np.abs(ref).max()
        err = np.abs(upd - ref).max()
        if not err <= UPDATE_RTOL * scale:
            return (
                f"parameter {i} (shape {ref.shape}): update differs from numpy's by {err:.3g} "
                f"(largest update {scale:.3g}, rtol {UPDATE_RTOL})"
            )
    return None


class Worker:
    """A framework's process, and the parent's end of its pipe."""

    def __init__(self, framework: str, threads: int, clock: str) -> None:
        ctx = mp.get_context("spawn")  # a fresh interpreter: nothing imported or allocated
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=worker, args=(child, framework, threads, clock), daemon=True
        )
        self.process.start()
        child.close()

    def request(self, *msg: Any) -> Any:
        self.conn.send(msg)
        return self.conn.recv()

    def stop(self) -> None:
        try:
            self.conn.send(("stop",))
        except OSError:
            pass
        self.process.join(timeout=30)


def check(workers: dict, workload: str, steps: int) -> dict:
    """Each framework's status: "ok" if it agrees with NumPy over ``steps`` steps."""
    checks = {fw: w.request("check", workload, steps) for fw, w in workers.items()}
    reference = checks["numpy"]
    results = {}
    for fw, result in checks.items():
        if "error" in result:
            results[fw] = {"status": "FAILURE", "reason": result["error"]}
        elif fw != "numpy" and "error" not in reference and (why := compare(reference, result)):
            results[fw] = {"status": "FAILURE", "reason": why}
        else:
            results[fw] = {"status": "ok", "losses": result["losses"], "threads": result["threads"]}
    return results


def time_frameworks(workers: dict, workload: str, results: dict, args: argparse.Namespace) -> None:
    """Time the frameworks that passed the check, in rounds; add the statistics to ``results``."""
    timed = [fw for fw in workers if results[fw]["status"] == "ok"]
    times: dict = {fw: [] for fw in timed}
    for r in range(args.rounds):
        order = timed[r % len(timed) :] + timed[: r % len(timed)]  # rotate who runs first
        for fw in order:
            warmup = args.warmup if r == 0 else args.block_warmup
            block = workers[fw].request("time", workload, warmup, args.steps)
            if isinstance(block, dict):  # an exception in a timed step
                results[fw] = {"status": "FAILURE", "reason": block["error"]}
                timed.remove(fw)
            else:
                times[fw].append(block)
    for fw in timed:
        us = np.array(times[fw], dtype=float) / 1e3  # (rounds, steps)
        results[fw].update(
            median_us=float(np.median(us)),
            p25_us=float(np.percentile(us, 25)),
            p75_us=float(np.percentile(us, 75)),
            round_medians_us=np.median(us, axis=1).round(2).tolist(),
            steps=us.size,
        )


def ratios(results: dict) -> dict:
    def ratio(a: str, b: str) -> float | None:
        ra, rb = results.get(a, {}), results.get(b, {})
        if "median_us" in ra and "median_us" in rb:
            return ra["median_us"] / rb["median_us"]
        return None

    return {
        "minigrad/numpy": ratio("minigrad", "numpy"),
        "minigrad/torch": ratio("minigrad", "torch"),
        "torch/numpy": ratio("torch", "numpy"),
    }


def table(report: dict) -> str:
    """The results as a fixed-width text table."""
    head = (
        f"{'workload':<9}{'minigrad µs':>13}{'numpy µs':>11}{'torch µs':>11}"
        f"{'mg/numpy':>10}{'mg/torch':>10}{'torch/numpy':>13}"
    )
    lines = [head, "-" * len(head)]
    failures = []
    for name, entry in report["workloads"].items():
        res = entry["frameworks"]
        cells = []
        for fw in FRAMEWORKS:
            r = res.get(fw, {"status": "skipped"})
            if "median_us" in r:
                cells.append(f"{r['median_us']:.1f}")
            else:
                cells.append(r["status"] if r["status"] != "ok" else "-")
            if r["status"] == "FAILURE":
                failures.append(f"FAILURE {name}/{fw}: {r['reason']}")
        rt = [f"{v:.2f}" if v is not None else "-" for v in entry["ratios"].values()]
        lines.append(
            f"{name:<9}{cells[0]:>13}{cells[1]:>11}{cells[2]:>11}{rt[0]:>10}{rt[1]:>10}{rt[2]:>13}"
        )
    noisy = [
        f"{name}/{fw} (p25 {r['p25_us']:.0f}, p75 {r['p75_us']:.0f} µs)"
        for name, entry in report["workloads"].items()
        for fw, r in entry["frameworks"].items()
        if "p25_us" in r and r["p75_us"] > NOISY * r["p25_us"]
    ]
    if noisy:
        failures.append(f"noisy (p75 > {NOISY} x p25, other load?): " + ", ".join(noisy))
    return "\n".join(lines + failures)


def check_table(report: dict) -> str:
    lines = []
    for name, entry in report["workloads"].items():
        for fw, r in entry["frameworks"].items():
            detail = r.get("reason", "losses " + ", ".join(f"{v:.6f}" for v in r.get("losses", [])))
            lines.append(f"{name:<6} {fw:<9} {r['status']:<8} {detail}")
    return "\n".join(lines)


def parse_args(argv: list | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated names")
    p.add_argument("--frameworks", default=",".join(FRAMEWORKS), help="comma-separated names")
    p.add_argument("--steps", type=int, default=100, help="timed steps per block (default 100)")
    p.add_argument("--rounds", type=int, default=10, help="blocks per framework (default 10)")
    p.add_argument("--warmup", type=int, default=50, help="warm-up steps before round 1")
    p.add_argument("--block-warmup", type=int, default=5, help="warm-up steps before a block")
    p.add_argument(
        "--threads", type=int, default=0, help="BLAS/torch threads (default: NumPy's own)"
    )
    p.add_argument(
        "--clock",
        choices=list(CLOCKS),
        default="wall",
        help="wall: elapsed time (default); cpu: the process's CPU time, all its threads "
        "summed, which other processes' load barely changes",
    )
    p.add_argument("--check-steps", type=int, default=3, help="steps compared against numpy")
    p.add_argument("--check-only", action="store_true", help="run only the correctness check")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--save", metavar="PATH", help="also write the JSON report to PATH")
    args = p.parse_args(argv)
    args.workloads = [w for w in args.workloads.split(",") if w]
    args.frameworks = [f for f in args.frameworks.split(",") if f]
    for w in args.workloads:
        if w not in WORKLOADS:
            p.error(f"unknown workload {w!r} (choose from {', '.join(WORKLOADS)})")
    for f in args.frameworks:
        if f not in FRAMEWORKS:
            p.error(f"unknown framework {f!r} (choose from {', '.join(FRAMEWORKS)})")
    if "numpy" not in args.frameworks:
        args.frameworks.insert(0, "numpy")  # the reference for the check
    return args


def main(argv: list | None = None) -> int:
    args = parse_args(argv)
    if args.threads:
        # Read by OpenBLAS, MKL and OpenMP when the worker processes start.
        for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
            os.environ[var] = str(args.threads)
        threads = args.threads
    else:
        threads = blas_threads()[0]  # NumPy's default, which torch is set to match
    notes = []
    frameworks = [f for f in FRAMEWORKS if f in args.frameworks]
    skipped = {}
    if "torch" in frameworks:
        if importlib.util.find_spec("torch") is None:
            frameworks.remove("torch")
            skipped["torch"] = {"status": "skipped", "reason": "torch is not installed"}
            notes.append("torch: skipped (not installed; pip install torch==2.13.0)")
        else:
            notes.append(f"torch.set_num_threads({threads}) to match NumPy's BLAS threads")
    report: dict = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "platform": platform.platform(),
            "load_average_start": os.getloadavg(),
        },
        "settings": {
            k: getattr(args, k)
            for k in (
                "steps",
                "rounds",
                "warmup",
                "block_warmup",
                "threads",
                "clock",
                "check_steps",
                "check_only",
            )
        },
        "notes": notes,
        "workloads": {},
    }
    ok = True
    used: dict = {}  # framework -> the threads its processes computed with
    for name in args.workloads:
        # Timing: each workload in fresh processes. Check only: one process per framework.
        if name == args.workloads[0] or not args.check_only:
            workers = {fw: Worker(fw, threads, args.clock) for fw in frameworks}
        try:
            results = check(workers, name, args.check_steps)
            if not args.check_only:
                time_frameworks(workers, name, results, args)
                if not args.json:
                    print(f"{name}: done", file=sys.stderr, flush=True)
        finally:
            if name == args.workloads[-1] or not args.check_only:
                for w in workers.values():
                    w.stop()
        results |= skipped
        for fw, r in results.items():
            if "threads" in r:
                used[fw] = r["threads"]
        ok &= all(r["status"] != "FAILURE" for r in results.values())
        report["workloads"][name] = {"frameworks": results, "ratios": ratios(results)}
    notes[:0] = [f"{fw}: {used[fw]}" for fw in FRAMEWORKS if fw in used]
    start, end = report["machine"]["load_average_start"], os.getloadavg()
    report["machine"]["load_average_end"] = end
    notes.append(f"load average (1 min) {start[0]:.2f} at the start, {end[0]:.2f} at the end")
    report["ok"] = ok
    if args.save:
        with open(args.save, "w") as f:
            json.dump(report, f, indent=2)
    if args.json:
        print(json.dumps(report, indent=2))
    elif args.check_only:
        print(check_table(report))
        print("\n".join(notes))
        print("all frameworks agree" if ok else "FAILURE: frameworks disagree")
    else:
        print(table(report))
        print("\n".join(notes))
        print(
            f"median µs per training step ({args.clock} clock) over {args.rounds} rounds x "
            f"{args.steps} steps; lower is better"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
