"""Random programs of views, in-place ops and assignments, against PyTorch.

Each program takes views of a non-leaf ``y`` (slices, transposes, reshapes, int
indexes), changes them in place or by assignment, inside the graph and under
``no_grad``, computes with them (ops that save their inputs or outputs, detach,
clone) and ends in a sum of squares. minigrad and PyTorch must agree on the result
and on both leaves' gradients, or both raise (minigrad's exception an instance of
PyTorch's class): a change to a saved value, a view of the wrong size, an index out
of range. Runs only where torch is installed.
"""

import random
import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

VIEWS = [
    "{v}[1:]", "{v}[:, 1]", "{v}[0]", "{v}.T", "{v}.transpose(0, 1)", "{v}.reshape(-1)",
    "{v}[:, ::2]", "{v}[None]", "{v}.unsqueeze(0)", "{v}[1:3, 0:2]", "{v}[..., 0]",
    "{v}.view(-1)", "{v}.flatten()", "{v}.squeeze()", "{v}.permute(1, 0)",
]  # fmt: skip
OPS = [
    "{v}.exp()", "{v}.sigmoid()", "{v} * {v}", "{v}.tanh()", "{v}.relu()", "{v} * w[0, 0]",
    "{v}.clone()", "{v}.detach()", "{v}.sum(0, keepdim=True)",
]  # fmt: skip
IN_PLACE = [
    "{v}.add_(1.5)", "{v}.mul_(2.0)", "{v}.sub_(w[0, 0])", "{v}.mul_(w[0, 0])", "{v}.div_(3.0)",
    "{v}.clamp_(-0.5, 0.5)", "{v}.zero_()", "{v}.fill_(0.25)", "{v} += w[1, 1]", "{v} *= 1.5",
    "{v}.add_({v} * 0.5)", "{v}.copy_(w[0, 0] * 2)",
]  # fmt: skip
ASSIGN = [
    "{v}[0] = w[0, 1]", "{v}[..., 0] = 7.0", "{v}[0:1] = w[0, 0] * 3", "{v}[{v} > 0] = 0.0",
    "{v}[[0, 1]] = w[1, 0]", "{v}[0] += w[1, 1]", "{v}[1:] *= 2.0", "{v}[{v} < 0] = w[0, 0]",
]  # fmt: skip


def _program(rng: random.Random) -> str:
    lines = ["y = x * 1.0 + w.sum() * 0.1"]
    names = ["y"]
    for i in range(rng.randint(1, 7)):
        kind, v = rng.random(), rng.choice(names)
        if kind < 0.4:
            names.append(f"v{i}")
            lines.append(f"v{i} = " + rng.choice(VIEWS if kind < 0.25 else OPS).format(v=v))
        elif kind < 0.45:
            lines.append("with M.no_grad():\n    " + rng.choice(IN_PLACE + ASSIGN).format(v=v))
        else:
            lines.append(rng.choice(IN_PLACE if kind < 0.7 else ASSIGN).format(v=v))
    ends = [f"({n} * {n}).sum()" for n in names]
    lines.append("R = " + " + ".join(rng.sample(ends, rng.randint(1, len(ends)))))
    return "\n".join(lines)


_rng = random.Random(2026)
PROGRAMS = [_program(_rng) for _ in range(200)]


def _run(M, program, seed):
    r = np.random.default_rng(seed)
    x = M.tensor(r.normal(size=(3, 4)), dtype=M.float64, requires_grad=True)
    w = M.tensor(r.normal(size=(2, 2)), dtype=M.float64, requires_grad=True)
    env = {"M": M, "x": x, "w": w}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exec(program, env)
            env["R"].backward()
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return None, e
    grads = [None if t.grad is None else np.array(t.grad.tolist()) for t in (x, w)]
    return (env["R"].item(), grads), None


@pytest.mark.parametrize("k", range(len(PROGRAMS)))
def test_program_matches_pytorch(k):
    check_program(PROGRAMS[k], k)


def check_program(program: str, k: int) -> None:
    """Run ``program`` (inputs drawn from seed k) in both frameworks and compare."""
    expected, t_err = _run(torch, program, k)
    got, m_err = _run(mg, program, k)
    if t_err is not None:
        assert m_err is not None, f"{program}\nPyTorch raises {t_err!r}, minigrad does not"
        assert isinstance(m_err, type(t_err)), f"{program}\n{m_err!r} is not a {type(t_err)}"
        return
    assert m_err is None, f"{program}\nminigrad raises {m_err!r}"
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-10, err_msg=program)
    for g, e in zip(got[1], expected[1]):
        assert (g is None) == (e is None), program
        if e is not None:
            np.testing.assert_allclose(g, e, rtol=1e-9, atol=1e-12, err_msg=program)
