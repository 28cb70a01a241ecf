"""L-BFGS, as ``torch.optim.LBFGS``: a quasi-Newton method that keeps the last
``history_size`` steps s and gradient changes y, and (optionally) a strong Wolfe line
search. It works on all the parameters as one flat vector x."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..engine import next_seq
from ..grad_mode import enable_grad, no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, check_tensor_lr

__all__ = ["LBFGS"]


def _cubic_interpolate(
    x1: float, f1: float, g1: float, x2: float, f2: float, g2: float,
    bounds: tuple[float, float] | None = None,
) -> float:  # fmt: skip
    """The minimiser, clamped to ``bounds`` (default [x1, x2]), of the cubic through
    (x1, f1) and (x2, f2) with slopes g1, g2; the bounds' midpoint if it has none."""
    lo, hi = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (lo + hi) / 2.0
    d2 = np.sqrt(d2_square)
    if x1 <= x2:
        min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(min_pos, lo), hi)


def _strong_wolfe(
    obj_func: Callable, t: float, d: np.ndarray, f: float, g: np.ndarray, gtd: float,
    c1: float = 1e-4, c2: float = 0.9, tolerance_change: float = 1e-9, max_ls: int = 25,
) -> tuple[float, np.ndarray, float, int]:  # fmt: skip
    """A step t along d meeting the strong Wolfe conditions, f(t) <= f + c1 t gtd and
    |f'(t)| <= -c2 gtd: bracket it (growing t by cubic extrapolation), then zoom in
    (cubic interpolation). ``obj_func(t)`` is (f, g) at x + t d. Returns (f, g, t, evals)
    at the step found, as minFunc (and PyTorch) does."""
    d_norm = np.abs(d).max()
    f_new, g_new = obj_func(t)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:  # bracketing phase
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        min_step, max_step = t + 0.01 * (t - t_prev), t * 10
        t_prev, t = (
            t,
            _cubic_interpolate(
                t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step)
            ),
        )
        f_prev, g_prev, gtd_prev = f_new, g_new, gtd_new
        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:  # reached the evaluations' budget
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]
    insuf_progress = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:  # zoom phase
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        # keep t away from the bracket's ends unless the last steps made progress
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = (
                    max(bracket) - eps
                    if abs(t - max(bracket)) < abs(t - min(bracket))
                    else (min(bracket) + eps)
                )
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(t)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


class LBFGS(Optimizer):
    """PyTorch's L-BFGS, iteration for iteration. ``step(closure)`` runs up to
    ``max_iter`` iterations (at most ``max_eval`` closure calls): with g the flat
    gradient, the two-loop recursion turns -g into a direction d ≈ -H⁻¹ g from the
    stored pairs (s, y) (pairs with yᵀs <= 1e-10 are not stored), then x ← x + t d with
    t = lr (the first iteration ever: t = min(1, 1/|g|₁) lr), or the step the strong
    Wolfe line search finds. It stops early when max|g| <= tolerance_grad, or the step
    or the change of loss falls below tolerance_change.

    As PyTorch's, it takes one parameter group, and keeps its state (``func_evals``,
    ``n_iter``, ``d``, ``t``, ``old_dirs``, ``old_stps``, ``ro``, ``H_diag``,
    ``prev_flat_grad``, ``prev_loss``, ``al``) under the first parameter.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        check_tensor_lr(lr)
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(
            lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
            tolerance_change=tolerance_change, history_size=history_size,
            line_search_fn=line_search_fn,
        )  # fmt: skip
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    _state_matches_params = False  # its vectors are flat, of all the parameters' size

    def _gather_flat_grad(self) -> np.ndarray:
        """Every gradient flattened into one vector (zeros for a missing gradient)."""
        return np.concatenate([
            np.zeros(p.numel(), p.dtype) if p._grad is None else p._grad.data.ravel()
            for p in self._params
        ])  # fmt: skip

    def _add_grad(self, t: float, d: np.ndarray) -> None:
        """x ← x + t d, in place."""
        offset = 0
        for p in self._params:
            n = p.numel()
            p.data += (t * d[offset : offset + n]).reshape(p.shape).astype(p.dtype, copy=False)
            p._version[0] = next_seq()
            offset += n

    def _set_param(self, x: list[np.ndarray]) -> None:
        for p, saved in zip(self._params, x):
            np.copyto(p.data, saved)
            p._version[0] = next_seq()

    def step(self, closure: Callable[[], Any]) -> Any:  # type: ignore[override]
        """Run up to ``max_iter`` iterations; ``closure`` recomputes the loss and the
        gradients (zeroing them first) and returns the loss. Returns the first loss."""
        with no_grad():
            return self._step(enable_grad()(closure))

    def _step(self, closure: Callable[[], Any]) -> Any:
        group = self.param_groups[0]
        lr = group["lr"]
        lr = float(lr) if isinstance(lr, Tensor) else lr  # an int stays one, as t = lr
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]
        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = closure()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max() <= tolerance_grad:
            return orig_loss

        d, t = _array(state.get("d")), state.get("t")
        t = t.data if isinstance(t, Tensor) else t
        old_dirs, old_stps = _arrays(state.get("old_dirs")), _arrays(state.get("old_stps"))
        ro = _arrays(state.get("ro"))
        al = [a if a is None else a.data for a in state["al"]] if "al" in state else None
        h_diag = state.get("H_diag")
        h_diag = h_diag.data if isinstance(h_diag, Tensor) else h_diag  # or the first 1
        prev_flat_grad, prev_loss = _array(state.get("prev_flat_grad")), state.get("prev_loss")

        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro, h_diag = [], [], [], 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # keep the pair only where the curvature is positive
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y)  # the initial inverse Hessian's scale
                # two-loop recursion: d = -H g
                if al is None:  # made here, so its key comes where PyTorch's does
                    al = state["al"] = [None] * history_size
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = old_stps[i].dot(q) * ro[i]
                    q -= al[i] * old_dirs[i]
                d = q * h_diag
                for i in range(len(old_dirs)):
                    be_i = old_dirs[i].dot(d) * ro[i]
                    d += (al[i] - be_i) * old_stps[i]
            prev_flat_grad = flat_grad.copy()
            prev_loss = loss
            t = min(1.0, 1.0 / np.abs(flat_grad).sum()) * lr if state["n_iter"] == 1 else lr
            gtd = flat_grad.dot(d)
            if gtd > -tolerance_change:  # not a descent direction
                break

            evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p.data.copy() for p in self._params]

                def obj_func(t: float, x: list = x_init, d: np.ndarray = d) -> tuple:
                    self._add_grad(t, d)
                    f = float(closure())
                    g = self._gather_flat_grad()
                    self._set_param(x)
                    return f, g

                loss, flat_grad, t, evals = _strong_wolfe(
                    obj_func, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals
                )
                self._add_grad(t, d)
                opt_cond = np.abs(flat_grad).max() <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:  # re-evaluate, except after the last iteration
                    loss = float(closure())
                    flat_grad = self._gather_flat_grad()
                    opt_cond = np.abs(flat_grad).max() <= tolerance_grad
                    evals = 1
            current_evals += evals
            state["func_evals"] += evals
            if (
                n_iter == max_iter or current_evals >= max_eval or opt_cond
                or np.abs(d * t).max() <= tolerance_change
                or abs(loss - prev_loss) < tolerance_change
            ):  # fmt: skip
                break

        # kept as PyTorch keeps them: vectors and scalars (ρ_i, α_i, the Hessian's scale) as
        # Tensors, and the step t too when a Tensor lr or the first gradient made it
        rate = group["lr"]
        if isinstance(rate, Tensor) or isinstance(t, np.generic):
            rate = rate.data if isinstance(rate, Tensor) else rate
            t = Tensor._new(np.asarray(t, np.result_type(t, rate)))
        state.update(
            d=_tensor(d), t=t, old_dirs=_tensors(old_dirs), old_stps=_tensors(old_stps),
            ro=_tensors(ro),
            H_diag=h_diag if isinstance(h_diag, int) else _tensor(h_diag),
            prev_flat_grad=_tensor(prev_flat_grad), prev_loss=prev_loss,
        )  # fmt: skip
        if al is not None:
            state["al"] = [a if a is None else _tensor(a) for a in al]
        return orig_loss


def _tensor(a: np.ndarray | np.generic | None) -> Tensor | None:
    return None if a is None else Tensor._new(np.asarray(a))


def _array(t: Tensor | None) -> np.ndarray | None:
    return None if t is None else t.data


def _tensors(arrays: list | None) -> list | None:
    """A state list of Tensors (None, before the first iteration, stays None)."""
    return None if arrays is None else [_tensor(a) for a in arrays]


def _arrays(tensors: list | None) -> list | None:
    return None if tensors is None else [t.data for t in tensors]
