"""The training benchmark's correctness check: every framework trains the same model alike.

Runs ``benchmarks/bench_train.py --check-only`` (a few steps of each workload from the
same weights and batches): minigrad and the hand-written NumPy backprop must produce
the same losses and parameter updates, and so must PyTorch when it is installed.
No wall-clock time is asserted anywhere.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

BENCH_TRAIN = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_train.py"


def test_bench_train_frameworks_agree():
    proc = subprocess.run(
        [sys.executable, str(BENCH_TRAIN), "--check-only", "--check-steps", "3", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.stdout, proc.stderr
    report = json.loads(proc.stdout)
    torch_installed = importlib.util.find_spec("torch") is not None
    assert set(report["workloads"]) == {"tiny", "mnist", "wide", "deep"}
    for name, entry in report["workloads"].items():
        results = entry["frameworks"]
        for fw in ("numpy", "minigrad"):
            assert results[fw]["status"] == "ok", (name, fw, results[fw].get("reason"))
        expected_torch = "ok" if torch_installed else "skipped"
        assert results["torch"]["status"] == expected_torch, (name, results["torch"])
        assert len(results["minigrad"]["losses"]) == 3
    assert report["ok"]
    assert proc.returncode == 0, proc.stderr


BENCH_LAYERS = BENCH_TRAIN.with_name("bench_layers.py")


def test_bench_layers_agree_with_pytorch():
    """bench_layers.py times a layer only after its output and input gradient matched
    PyTorch's; without torch it has nothing to compare and reports no case."""
    proc = subprocess.run(
        [sys.executable, str(BENCH_LAYERS), "--check-only", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.stdout, proc.stderr
    report = json.loads(proc.stdout)
    if importlib.util.find_spec("torch") is None:
        assert report["cases"] == {} and report["torch"] is None
    else:
        assert len(report["cases"]) == 14
        for name, entry in report["cases"].items():
            assert entry["status"] == "ok", (name, entry.get("reason"))
    assert report["ok"]
    assert proc.returncode == 0, proc.stderr
