"""Where a minigrad training step spends its time (issue 7's profiling tool).

Two views of the step of ``bench_train.py`` (same model, weights and batches):

- ``phases``: median µs of each part of the step, timed one by one: forward
  (``model(x)``), loss, ``zero_grad``, ``backward``, ``opt.step``; and the same
  numbers as a share of the whole step;
- ``backward``: the backward pass split into the time spent inside the VJP functions
  (by op) and the rest, the engine's own work (ordering, checks, accumulation);
  it wraps each node's VJPs, so it reads the engine's internals (``Node.vjps``);
- ``cprofile``: the functions with the most own time (cProfile's tottime) per step,
  so that the cost of each engine piece (``record``, ``Tensor._new``, the backward
  loop, the NumPy calls) can be read off in µs per step. cProfile itself adds
  roughly 0.3-1 µs per Python call, so small functions look dearer than they are;
  and lambdas defined on the same line share one entry (pstats names a function by
  file, line and name), so one of them hides the others: use ``backward`` for VJPs.

    python benchmarks/profile_step.py --workload tiny
    python benchmarks/profile_step.py --workload mnist --steps 2000 --top 30
    python benchmarks/profile_step.py --workload tiny --pyinstrument   # if installed
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time

import numpy as np
from bench_train import WORKLOADS, MinigradTrainer, make_problem

PHASES = ("forward", "loss", "zero_grad", "backward", "opt.step")


def timed_step(trainer: MinigradTrainer, x, y) -> list:
    """One training step, as ``MinigradTrainer.step``, with the time of each phase (ns)."""
    clock = time.perf_counter_ns
    t0 = clock()
    out = trainer.model(x)
    t1 = clock()
    loss = trainer.loss_fn(out, y)
    t2 = clock()
    trainer.opt.zero_grad()
    t3 = clock()
    loss.backward()
    t4 = clock()
    trainer.opt.step()
    t5 = clock()
    return [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4]


def phases(trainer: MinigradTrainer, steps: int) -> dict:
    batches = trainer.batches
    for i in range(steps // 5):  # warm-up
        trainer.step(*batches[i % len(batches)])
    ns = np.array([timed_step(trainer, *batches[i % len(batches)]) for i in range(steps)])
    medians = np.median(ns, axis=0) / 1e3
    total = float(np.median(ns.sum(axis=1))) / 1e3
    return {"phases_us": dict(zip(PHASES, medians.tolist())), "step_us": total}


def phases_text(result: dict) -> str:
    total = result["step_us"]
    lines = [f"{'phase':<11}{'µs/step':>9}{'share':>8}"]
    for name, us in result["phases_us"].items():
        lines.append(f"{name:<11}{us:>9.1f}{us / total:>8.0%}")
    lines.append(f"{'step':<11}{total:>9.1f}   (median of whole steps)")
    return "\n".join(lines)


def backward_split(trainer: MinigradTrainer, steps: int) -> dict:
    """Median µs per step of the whole backward, of each op's VJPs, and of the rest."""
    from minigrad import engine

    clock = time.perf_counter_ns
    spent: dict = {}

    def _graph_nodes(root):
        """Every node reachable from ``root`` (the engine keeps no such list itself)."""
        seen, stack = {root}, [root]
        while stack:
            for p in stack.pop().next:
                if isinstance(p, engine.Node) and p not in seen:
                    seen.add(p)
                    stack.append(p)
        return seen

    def timed(key: str, vjp):
        def wrapper(g):
            t0 = clock()
            gi = vjp(g)
            spent[key] = spent.get(key, 0) + clock() - t0
            return gi

        return wrapper

    x, y = trainer.batches[0]
    totals, inside, per_op = [], [], {}
    for _ in range(steps):
        loss = trainer.loss_fn(trainer.model(x), y)
        trainer.opt.zero_grad()
        spent.clear()
        for node in _graph_nodes(loss.grad_fn):
            node.vjps = [None if f is None else timed(node.name(), f) for f in node.vjps]
        t0 = clock()
        loss.backward()
        totals.append(clock() - t0)
        inside.append(sum(spent.values()))
        for key, ns in spent.items():
            per_op.setdefault(key, []).append(ns)
        trainer.opt.step()
    total, vjps = np.median(totals) / 1e3, np.median(inside) / 1e3
    return {
        "backward_us": float(total),
        "vjps_us": float(vjps),
        "engine_us": float(total - vjps),
        "per_op_us": {k: float(np.median(v)) / 1e3 for k, v in per_op.items()},
    }


def backward_text(r: dict) -> str:
    lines = [
        f"backward {r['backward_us']:.1f} µs/step: inside VJPs {r['vjps_us']:.1f}, "
        f"engine's own work {r['engine_us']:.1f} (timing each VJP adds ~0.1 µs)"
    ]
    for name, us in r["per_op_us"].items():
        lines.append(f"{us:>10.1f}  {name} (all its VJPs, all nodes of that op)")
    return "\n".join(lines)


def profile(trainer: MinigradTrainer, steps: int, top: int) -> str:
    batches = trainer.batches
    for i in range(steps // 5):
        trainer.step(*batches[i % len(batches)])
    prof = cProfile.Profile()
    prof.enable()
    for i in range(steps):
        trainer.step(*batches[i % len(batches)])
    prof.disable()
    stats = pstats.Stats(prof)
    rows = []
    total = 0.0
    for (file, line, func), (_, nc, tt, ct, _callers) in stats.stats.items():
        total += tt
        where = func if file == "~" else f"{file.split('site-packages/')[-1]}:{line}({func})"
        where = where.replace(sys.prefix, "")
        rows.append((tt, ct, nc, where))
    rows.sort(reverse=True)
    lines = [
        f"cProfile over {steps} steps: {total / steps * 1e6:.1f} µs/step of profiled time",
        f"{'own µs/step':>12}{'cum µs/step':>12}{'calls/step':>11}  function",
    ]
    for tt, ct, nc, where in rows[:top]:
        per_step = tt / steps * 1e6, ct / steps * 1e6, nc / steps
        lines.append("{:>12.1f}{:>12.1f}{:>11.1f}  ".format(*per_step) + where)
    return "\n".join(lines)


def main(argv: list | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workload", default="tiny", choices=list(WORKLOADS))
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--top", type=int, default=25, help="functions listed by cProfile")
    p.add_argument("--pyinstrument", action="store_true", help="also print pyinstrument's tree")
    args = p.parse_args(argv)
    problem = make_problem(WORKLOADS[args.workload])
    print(f"workload {args.workload}, {args.steps} steps\n")
    print(phases_text(phases(MinigradTrainer(problem), args.steps)), end="\n\n")
    try:
        split = backward_split(MinigradTrainer(problem), args.steps)
        print(backward_text(split), end="\n\n")
    except (AttributeError, TypeError) as e:  # the engine's internals changed
        print(f"backward split unavailable ({type(e).__name__}: {e})\n")
    print(profile(MinigradTrainer(problem), args.steps, args.top), flush=True)
    if args.pyinstrument:
        from pyinstrument import Profiler

        trainer = MinigradTrainer(problem)
        batches = trainer.batches
        with Profiler(interval=0.0001) as prof:
            for i in range(args.steps):
                trainer.step(*batches[i % len(batches)])
        print(prof.output_text(unicode=True, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
