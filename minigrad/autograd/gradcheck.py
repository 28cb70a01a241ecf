"""``gradcheck``: autograd's gradients against central finite differences."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..factories import tensor
from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from . import _seq, grad


class GradcheckError(RuntimeError):
    """Analytical and numerical gradients disagree."""


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """Compare autograd's gradients of ``func(*inputs)`` with central differences in float64.

    For every output element o that requires grad and every input element x: |analytic -
    numeric| must be at most ``atol + rtol * |numeric|``, numeric = (o(x + eps) - o(x -
    eps)) / (2 eps). Inputs that are not Tensors are passed as they are. Returns True or
    raises :class:`GradcheckError` naming the input, index and values (returns False
    instead with ``raise_exception=False``).

    PyTorch's other options are accepted and ignored: minigrad's backward is deterministic
    (``nondet_tol``), and ``check_grad_dtypes``, ``check_undefined_grad`` and
    ``check_batched_grad`` run no extra check; there are no masked tensors (``masked``), and
    the whole Jacobian is always checked (``fast_mode``). Forward mode AD is not supported.
    """
    if not (check_forward_ad or check_backward_ad):  # PyTorch's exception type
        raise AssertionError(
            "gradcheck: expected at least one of check_forward_ad or check_backward_ad to be True"
        )
    if check_forward_ad or check_batched_forward_grad:
        raise NotImplementedError(
            "gradcheck: forward mode AD (check_forward_ad, check_batched_forward_grad) is not "
            "supported by minigrad"
        )
    originals = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    xs = [
        tensor(t.data, dtype=np.float64, requires_grad=t._requires_grad)
        if isinstance(t, Tensor) and t.data.dtype.kind == "f"
        else t
        for t in originals
    ]
    diff = [i for i, t in enumerate(xs) if isinstance(t, Tensor) and t._requires_grad]
    if not diff:
        raise ValueError("gradcheck: no input requires grad")
    with enable_grad():
        outs = _seq(func(*xs), "gradcheck: outputs")
    # as PyTorch: the outputs that require grad, or if none does, every float output,
    # whose numerical gradient must then be zero
    checked = [k for k, o in enumerate(outs) if o._requires_grad] or [
        k for k, o in enumerate(outs) if o.data.dtype.kind in "fc"
    ]
    outs = [outs[k] for k in checked]

    def flat_outputs() -> np.ndarray:
        with no_grad():
            values = _seq(func(*xs), "gradcheck: outputs")
            return np.concatenate(
                [values[k].data.astype(np.float64).reshape(-1) for k in checked] or [np.zeros(0)]
            )

    # analytic Jacobian, one row per output element (one backward each)
    sizes = [o.data.size for o in outs]
    rows = {i: np.zeros((sum(sizes), xs[i].data.size)) for i in diff}
    r = 0
    for o in outs:
        for j in range(o.data.size):
            if o._requires_grad:  # else no output does, and the row stays zero
                seed = np.zeros(o.data.shape, o.data.dtype)
                seed.reshape(-1)[j] = 1.0
                got = grad(o, [xs[i] for i in diff], Tensor._new(seed), retain_graph=True,
                           allow_unused=True)  # fmt: skip
                for i, gi in zip(diff, got):
                    if gi is not None:
                        rows[i][r] = gi.data.reshape(-1)
            r += 1
    # numerical Jacobian, one column per input element (two forwards each)
    for i in diff:
        x = xs[i].data
        flat = x.reshape(-1)  # a view: x is a fresh contiguous float64 copy
        for e in range(flat.size):
            old = flat[e]
            flat[e] = old + eps
            plus = flat_outputs()
            flat[e] = old - eps
            minus = flat_outputs()
            flat[e] = old
            numeric = (plus - minus) / (2 * eps)
            analytic = rows[i][:, e]
            bad = ~(np.abs(analytic - numeric) <= atol + rtol * np.abs(numeric))
            if bad.any():
                j = int(np.argmax(bad))
                if not raise_exception:
                    return False
                index = tuple(int(k) for k in np.unravel_index(e, x.shape))
                raise GradcheckError(
                    f"gradcheck: d(output element {j})/d(input {i} at index {index}): "
                    f"analytical {float(analytic[j])!r}, numerical {float(numeric[j])!r}"
                )
    return True


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Any = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """Not supported: it checks second derivatives, the gradient of a gradient, which needs
    ``create_graph=True``; minigrad's VJPs are NumPy code and record no graph. Raises."""
    raise NotImplementedError(
        "gradgradcheck: second derivatives (create_graph=True) are not supported by "
        "minigrad: its VJPs are NumPy code; check first derivatives with gradcheck"
    )
