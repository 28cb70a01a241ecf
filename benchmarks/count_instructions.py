"""Machine instructions per training step, counted by valgrind: a noise-free companion to
bench_train.py.

On a shared machine wall-clock medians move by 1.5x between runs; the number of
instructions a step executes does not (it changes only when the code does). For each
framework and workload this runs bench_train's own trainer under
``valgrind --tool=cachegrind`` twice, for ``--short`` and ``--long`` steps, and divides
the difference by the extra steps, so imports and set-up cancel out.

Instructions are not time: they ignore cache misses, memory traffic and BLAS threads,
which matter for the large workloads. Use the ratio to see what a change to the engine
bought, and bench_train.py for what a user waits.

    python benchmarks/count_instructions.py --workloads tiny,deep --frameworks minigrad,numpy
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_train import WORKLOADS, make_problem, make_trainer  # noqa: E402


def run_steps(framework: str, workload: str, steps: int) -> None:
    """The measured program: build the trainer and run ``steps`` steps (single BLAS thread)."""
    trainer = make_trainer(framework, make_problem(WORKLOADS[workload]), 1)
    batches = trainer.batches
    for i in range(steps):
        trainer.step(*batches[i % len(batches)])


def instructions(framework: str, workload: str, steps: int) -> int:
    """Instructions valgrind counts for a whole process running ``steps`` steps."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", OMP_NUM_THREADS="1")
    cmd = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
        sys.executable, __file__, "--run", framework, workload, str(steps),
    ]  # fmt: skip
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    match = re.search(r"I\s+refs:\s+([\d,]+)", res.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{res.stderr[-2000:]}")
    return int(match.group(1).replace(",", ""))


def per_step(framework: str, workload: str, short: int, long: int) -> float:
    return (instructions(framework, workload, long) - instructions(framework, workload, short)) / (
        long - short
    )


def main(argv: list | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workloads", default="tiny,mnist,deep", help="comma-separated names")
    p.add_argument("--frameworks", default="minigrad,numpy", help="comma-separated names")
    p.add_argument("--short", type=int, default=50, help="steps of the shorter run")
    p.add_argument("--long", type=int, default=250, help="steps of the longer run")
    p.add_argument("--run", nargs=3, metavar=("FRAMEWORK", "WORKLOAD", "STEPS"), help="internal")
    args = p.parse_args(argv)
    if args.run:
        run_steps(args.run[0], args.run[1], int(args.run[2]))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind not found (apt-get install valgrind)", file=sys.stderr)
        return 1
    frameworks = args.frameworks.split(",")
    print(f"{'workload':<10}" + "".join(f"{f:>14}" for f in frameworks) + "  ratio to numpy")
    for wl in args.workloads.split(","):
        counts = {f: per_step(f, wl, args.short, args.long) for f in frameworks}
        cells = "".join(f"{counts[f]:>14,.0f}" for f in frameworks)
        base = counts.get("numpy")
        others = [f for f in frameworks if base and f != "numpy"]
        ratio = "  ".join(f"{f} {counts[f] / base:.2f}" for f in others)
        print(f"{wl:<10}{cells}  {ratio}")
    print("instructions per training step (valgrind cachegrind, 1 BLAS thread)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
