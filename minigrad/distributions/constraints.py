"""Constraints on parameters and values, as ``torch.distributions.constraints``.

``c.check(x)`` returns a bool Tensor: True where ``x`` satisfies ``c``, reduced over
the constraint's ``event_dim`` rightmost dimensions.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..tensor import Tensor


def _arr(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


def _bool(a: Any) -> Tensor:
    return Tensor._new(np.asarray(a, dtype=bool))


class Constraint:
    """A region of the values a variable may take; ``event_dim`` dims form one event."""

    is_discrete = False
    event_dim = 0

    def check(self, value: Any) -> Tensor:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.__class__.__name__[1:] + "()"


class _Dependent(Constraint):
    """A placeholder for a support that depends on other variables (not checked)."""

    def __init__(self, *, is_discrete: Any = NotImplemented, event_dim: Any = NotImplemented):
        self._is_discrete = is_discrete
        self._event_dim = event_dim

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        if self._is_discrete is NotImplemented:
            raise NotImplementedError(".is_discrete cannot be determined statically")
        return self._is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        if self._event_dim is NotImplemented:
            raise NotImplementedError(".event_dim cannot be determined statically")
        return self._event_dim

    def __call__(self, *, is_discrete: Any = NotImplemented, event_dim: Any = NotImplemented):
        if is_discrete is NotImplemented:
            is_discrete = self._is_discrete
        if event_dim is NotImplemented:
            event_dim = self._event_dim
        return _Dependent(is_discrete=is_discrete, event_dim=event_dim)

    def check(self, value: Any) -> Tensor:
        raise ValueError("Cannot determine validity of dependent constraint")


def is_dependent(constraint: Any) -> bool:
    """Whether ``constraint`` is a dependent placeholder (never checked)."""
    return isinstance(constraint, _Dependent)


class _DependentProperty(property, _Dependent):
    """``@dependent_property``: a property on instances, a dependent constraint on the class."""

    def __init__(self, fn: Any = None, *, is_discrete: Any = NotImplemented,
                 event_dim: Any = NotImplemented):  # fmt: skip
        property.__init__(self, fn)
        self._is_discrete = is_discrete
        self._event_dim = event_dim

    def __call__(self, fn: Any) -> _DependentProperty:  # type: ignore[override]
        return _DependentProperty(fn, is_discrete=self._is_discrete, event_dim=self._event_dim)


class _IndependentConstraint(Constraint):
    """``base_constraint`` with ``reinterpreted_batch_ndims`` more dims reduced by ``all``."""

    def __init__(self, base_constraint: Constraint, reinterpreted_batch_ndims: int):
        self.base_constraint = base_constraint
        self.reinterpreted_batch_ndims = reinterpreted_batch_ndims

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self.base_constraint.event_dim + self.reinterpreted_batch_ndims

    def check(self, value: Any) -> Tensor:
        result = self.base_constraint.check(value).data
        n = self.reinterpreted_batch_ndims
        if result.ndim < n:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {_arr(value).ndim}")
        return _bool(result.reshape(result.shape[: result.ndim - n] + (-1,)).all(-1))

    def __repr__(self) -> str:
        return f"IndependentConstraint({self.base_constraint!r}, {self.reinterpreted_batch_ndims})"


class _Boolean(Constraint):
    """The two values {0, 1}."""

    is_discrete = True

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool((v == 0) | (v == 1))


class _OneHot(Constraint):
    """One-hot vectors along the last dim."""

    is_discrete = True
    event_dim = 1

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool(((v == 0) | (v == 1)).all(-1) & (v.sum(-1) == 1))


class _IntegerInterval(Constraint):
    """Integers in [lower_bound, upper_bound]."""

    is_discrete = True

    def __init__(self, lower_bound: Any, upper_bound: Any):
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        lo, hi = _arr(self.lower_bound), _arr(self.upper_bound)
        return _bool((v % 1 == 0) & (lo <= v) & (v <= hi))

    def __repr__(self) -> str:
        return f"IntegerInterval(lower_bound={self.lower_bound}, upper_bound={self.upper_bound})"


class _IntegerGreaterThan(Constraint):
    """Integers in [lower_bound, inf)."""

    is_discrete = True

    def __init__(self, lower_bound: Any):
        self.lower_bound = lower_bound

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool((v % 1 == 0) & (v >= _arr(self.lower_bound)))

    def __repr__(self) -> str:
        return f"IntegerGreaterThan(lower_bound={self.lower_bound})"


class _Real(Constraint):
    """The extended real line (NaN excluded)."""

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool(v == v)


class _GreaterThan(Constraint):
    """The half line (lower_bound, inf]."""

    def __init__(self, lower_bound: Any):
        self.lower_bound = lower_bound

    def check(self, value: Any) -> Tensor:
        return _bool(_arr(self.lower_bound) < _arr(value))

    def __repr__(self) -> str:
        return f"GreaterThan(lower_bound={self.lower_bound})"


class _GreaterThanEq(_GreaterThan):
    """The half line [lower_bound, inf)."""

    def check(self, value: Any) -> Tensor:
        return _bool(_arr(self.lower_bound) <= _arr(value))

    def __repr__(self) -> str:
        return f"GreaterThanEq(lower_bound={self.lower_bound})"


class _LessThan(Constraint):
    """The half line [-inf, upper_bound)."""

    def __init__(self, upper_bound: Any):
        self.upper_bound = upper_bound

    def check(self, value: Any) -> Tensor:
        return _bool(_arr(value) < _arr(self.upper_bound))

    def __repr__(self) -> str:
        return f"LessThan(upper_bound={self.upper_bound})"


class _Interval(Constraint):
    """The interval [lower_bound, upper_bound]."""

    def __init__(self, lower_bound: Any, upper_bound: Any):
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool((_arr(self.lower_bound) <= v) & (v <= _arr(self.upper_bound)))

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__[1:]}(lower_bound={self.lower_bound}, "
            f"upper_bound={self.upper_bound})"
        )


class _HalfOpenInterval(_Interval):
    """The interval [lower_bound, upper_bound)."""

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool((_arr(self.lower_bound) <= v) & (v < _arr(self.upper_bound)))


class _Simplex(Constraint):
    """Nonnegative vectors summing to 1 (within 1e-6) along the last dim."""

    event_dim = 1

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool((v >= 0).all(-1) & (np.abs(v.sum(-1) - 1) < 1e-6))


class _LowerCholesky(Constraint):
    """Lower-triangular square matrices with a positive diagonal."""

    event_dim = 2

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        lower = (np.tril(v) == v).reshape(v.shape[:-2] + (-1,)).all(-1)
        return _bool(lower & (np.diagonal(v, axis1=-2, axis2=-1) > 0).all(-1))


def _cholesky_ok(m: np.ndarray) -> bool:
    try:
        np.linalg.cholesky(m)
    except np.linalg.LinAlgError:
        return False
    return True


class _Multinomial(Constraint):
    """Nonnegative vectors summing to at most ``upper_bound`` along the last dim (PyTorch's
    weaker check than ``== upper_bound``)."""

    is_discrete = True
    event_dim = 1

    def __init__(self, upper_bound: Any):
        self.upper_bound = upper_bound

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool((v >= 0).all(-1) & (v.sum(-1) <= _arr(self.upper_bound)))


def _ndim_check(what: str, dim: int, value: np.ndarray) -> None:
    if not -value.ndim <= dim < value.ndim:
        raise AssertionError(
            f"{what}: dim {dim} out of range for value with {value.ndim} dimensions"
        )


class _Cat(Constraint):
    """``cseq[i]`` on the i-th of consecutive slices of ``lengths[i]`` along ``dim``."""

    def __init__(self, cseq: Any, dim: int = 0, lengths: Any = None):
        if not all(isinstance(c, Constraint) for c in cseq):
            raise AssertionError("cat: all elements of cseq must be Constraint instances")
        self.cseq = list(cseq)
        self.lengths = [1] * len(self.cseq) if lengths is None else list(lengths)
        if len(self.lengths) != len(self.cseq):
            raise AssertionError(
                f"cat: lengths ({len(self.lengths)}) must match cseq ({len(self.cseq)})"
            )
        self.dim = dim

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return any(c.is_discrete for c in self.cseq)

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return max(c.event_dim for c in self.cseq)

    def check(self, value: Any) -> Tensor:
        value = value if isinstance(value, Tensor) else Tensor._new(np.asarray(value))
        _ndim_check("cat", self.dim, value.data)
        starts = np.cumsum([0] + self.lengths[:-1])
        checks = [
            c.check(value.narrow(self.dim, int(a), n))
            for c, a, n in zip(self.cseq, starts, self.lengths)
        ]
        return ops.cat(checks, self.dim)


class _Stack(Constraint):
    """``cseq[i]`` on the i-th slice along ``dim`` (a new dim of the stacked value)."""

    def __init__(self, cseq: Any, dim: int = 0):
        if not all(isinstance(c, Constraint) for c in cseq):
            raise AssertionError("stack: all elements of cseq must be Constraint instances")
        self.cseq = list(cseq)
        self.dim = dim

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return any(c.is_discrete for c in self.cseq)

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        dim = max(c.event_dim for c in self.cseq)
        return dim + 1 if self.dim + dim < 0 else dim

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        _ndim_check("stack", self.dim, v)
        slices = [np.take(v, i, axis=self.dim) for i in range(v.shape[self.dim])]
        return ops.stack([c.check(Tensor._new(s)) for s, c in zip(slices, self.cseq)], self.dim)


class _LowerTriangular(Constraint):
    """Lower-triangular square matrices."""

    event_dim = 2

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool((np.tril(v) == v).reshape(v.shape[:-2] + (-1,)).all(-1))


class _Square(Constraint):
    """Square matrices (the same answer for the whole batch)."""

    event_dim = 2

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        return _bool(np.full(v.shape[:-2], v.shape[-2] == v.shape[-1]))


class _Symmetric(_Square):
    """Square matrices equal to their transpose (within atol 1e-6)."""

    def check(self, value: Any) -> Tensor:
        square = super().check(value)
        if not square.data.all():
            return square
        v = _arr(value)
        return _bool(np.isclose(v, np.swapaxes(v, -1, -2), atol=1e-6).all((-2, -1)))


class _PositiveDefinite(_Symmetric):
    """Symmetric positive-definite matrices (Cholesky succeeds). As PyTorch's (and
    positive_semidefinite), a batch with a matrix that is not symmetric gets the symmetry
    check alone."""

    def check(self, value: Any) -> Tensor:
        symmetric = super().check(value)
        if not symmetric.data.all():
            return symmetric
        v = _arr(value)
        if _cholesky_ok(v):  # the whole stack at once; matrix by matrix only to find failures
            return symmetric
        flat = v.reshape((-1,) + v.shape[-2:])
        return _bool(np.array([_cholesky_ok(m) for m in flat], dtype=bool).reshape(v.shape[:-2]))


class _PositiveSemidefinite(_Symmetric):
    """Symmetric matrices with nonnegative eigenvalues."""

    def check(self, value: Any) -> Tensor:
        symmetric = super().check(value)
        if not symmetric.data.all():
            return symmetric
        return _bool((np.linalg.eigvalsh(_arr(value)) >= 0).all(-1))


class _CorrCholesky(Constraint):
    """Lower Cholesky factors of correlation matrices: rows of unit norm (within
    10·n·eps of the dtype)."""

    event_dim = 2

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        tol = np.finfo(v.dtype).eps * v.shape[-1] * 10
        unit_rows = (np.abs(np.linalg.norm(v, axis=-1) - 1.0) <= tol).all(-1)
        return _bool(_LowerCholesky().check(v).data & unit_rows)


class MixtureSameFamilyConstraint(Constraint):
    """The component distribution's ``base_constraint``, checked on a value with the
    component dim put back (as ``MixtureSameFamily`` pads it) and reduced over it."""

    def __init__(self, base_constraint: Constraint):
        if not isinstance(base_constraint, Constraint):
            raise AssertionError(
                f"MixtureSameFamilyConstraint: base_constraint must be a Constraint, got "
                f"{type(base_constraint).__name__}"
            )
        self.base_constraint = base_constraint

    @property
    def is_discrete(self) -> bool:  # type: ignore[override]
        return self.base_constraint.is_discrete

    @property
    def event_dim(self) -> int:  # type: ignore[override]
        return self.base_constraint.event_dim

    def check(self, value: Any) -> Tensor:
        v = _arr(value)
        if v.ndim < self.event_dim:
            raise ValueError(f"Expected value.dim() >= {self.event_dim} but got {v.ndim}")
        result = self.base_constraint.check(np.expand_dims(v, -1 - self.event_dim)).data
        num_dim_to_keep = v.ndim - self.event_dim
        return _bool(result.reshape(result.shape[:num_dim_to_keep] + (-1,)).all(-1))

    def __repr__(self) -> str:
        return f"MixtureSameFamilyConstraint({self.base_constraint!r})"


dependent = _Dependent()
dependent_property = _DependentProperty
independent = _IndependentConstraint
boolean = _Boolean()
one_hot = _OneHot()
nonnegative_integer = _IntegerGreaterThan(0)
positive_integer = _IntegerGreaterThan(1)
integer_interval = _IntegerInterval
real = _Real()
real_vector = independent(real, 1)
positive = _GreaterThan(0.0)
nonnegative = _GreaterThanEq(0.0)
greater_than = _GreaterThan
greater_than_eq = _GreaterThanEq
less_than = _LessThan
unit_interval = _Interval(0.0, 1.0)
interval = _Interval
half_open_interval = _HalfOpenInterval
simplex = _Simplex()
lower_cholesky = _LowerCholesky()
positive_definite = _PositiveDefinite()
multinomial = _Multinomial
corr_cholesky = _CorrCholesky()
cat = _Cat
stack = _Stack
lower_triangular = _LowerTriangular()
square = _Square()
symmetric = _Symmetric()
positive_semidefinite = _PositiveSemidefinite()

__all__ = [
    "Constraint",
    "boolean",
    "cat",
    "corr_cholesky",
    "dependent",
    "dependent_property",
    "greater_than",
    "greater_than_eq",
    "half_open_interval",
    "independent",
    "integer_interval",
    "interval",
    "is_dependent",
    "less_than",
    "lower_cholesky",
    "lower_triangular",
    "MixtureSameFamilyConstraint",
    "multinomial",
    "nonnegative",
    "nonnegative_integer",
    "one_hot",
    "positive",
    "positive_definite",
    "positive_integer",
    "positive_semidefinite",
    "real",
    "real_vector",
    "simplex",
    "square",
    "stack",
    "symmetric",
    "unit_interval",
]
