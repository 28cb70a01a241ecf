"""PyTorch's CPU sampling kernels, step for step, so that a seed gives PyTorch's numbers.

Every draw reads 32-bit words from the generator's Mersenne Twister (``random.Generator``)
in PyTorch's order and turns them into numbers with PyTorch's formulas:

- a uniform float in [0, 1) keeps the low 24 bits of a word times 2^-24 (float32, also
  for float16), a double the low 53 bits of two words (the first the high half) times 2^-53;
- a normal sample is Box-Muller's. Tensors of 16 or more contiguous elements are filled
  16 at a time (8 pairs: ``u1`` from the first 8 uniforms, ``u2`` from the next 8; a tail
  redraws the last 16); smaller ones draw a double pair per two samples and keep the
  second, ``r sin θ``, in the generator for the next draw;
- the values come out in the tensor's memory order, as PyTorch's kernels write them.

The float32 fill is PyTorch's AVX2 kernel (``avx_mathfun``'s Cephes polynomials for log,
sin and cos, with the multiply-adds fused as its compiler fuses them); a PyTorch built or
run without AVX2 differs from it in the last bit of a few samples.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import dtypes

_f32, _f64 = np.float32, np.float64


# ---- words -----------------------------------------------------------------------------
def words(gen: Any, n: int) -> np.ndarray:
    """n 32-bit words (as uint64), PyTorch's ``random()``."""
    return gen._mt.random_raw(n)


def words64(gen: Any, n: int) -> np.ndarray:
    """n 64-bit words, each from two 32-bit ones, the first the high half (``random64()``)."""
    w = gen._mt.random_raw(2 * n)
    return (w[0::2] << np.uint64(32)) | w[1::2]


def fma(a: Any, b: Any, c: Any, dt: np.dtype) -> np.ndarray:
    """a·b + c rounded once to ``dt``, as the fused multiply-add PyTorch's compiled kernels use.

    float32: exact in float64, then rounded. float64: the product's rounding error (Dekker's
    split) and the sum's (Knuth's two-sum) added back before the last rounding.
    """
    if dt != _f64:
        return (np.asarray(a, _f64) * np.asarray(b, _f64) + np.asarray(c, _f64)).astype(dt)
    a, b, c = np.asarray(a, _f64), np.asarray(b, _f64), np.asarray(c, _f64)
    p = a * b
    err = _split_product_error(a, b, p)
    s = p + c
    bv = s - p
    t = (p - (s - bv)) + (c - bv)
    with np.errstate(invalid="ignore", over="ignore"):
        out = s + (t + err)
    return np.where(np.isfinite(p) & np.isfinite(s), out, a * b + c)


def _split_product_error(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The exact a·b - p (Dekker), for p = a·b rounded."""
    with np.errstate(invalid="ignore", over="ignore"):
        factor = 134217729.0  # 2^27 + 1
        ah = a * factor
        ah = ah - (ah - a)
        bh = b * factor
        bh = bh - (bh - b)
        al, bl = a - ah, b - bh
        return ((ah * bh - p) + ah * bl + al * bh) + al * bl


def memory_order(arr: np.ndarray) -> np.ndarray:
    """The C-order flat indices of ``arr``'s elements, sorted by their place in memory: the
    order PyTorch's kernels fill a tensor that is not contiguous."""
    offsets = sum(
        np.arange(n).reshape((n,) + (1,) * (arr.ndim - 1 - d)) * stride
        for d, (n, stride) in enumerate(zip(arr.shape, arr.strides))
    )
    return np.argsort(np.broadcast_to(offsets, arr.shape).reshape(-1), kind="stable")


def place(flat: np.ndarray, arr: np.ndarray) -> np.ndarray:
    """An array of ``arr``'s shape whose elements, taken in ``arr``'s memory order, are ``flat``
    (C order when ``arr`` is contiguous)."""
    if arr.flags.c_contiguous:
        return flat.reshape(arr.shape)
    out = np.empty(arr.size, flat.dtype)
    out[memory_order(arr)] = flat
    return out.reshape(arr.shape)


def in_fill_order(values: np.ndarray, arr: np.ndarray) -> np.ndarray:
    """``values`` (of ``arr``'s shape) flat, in the order ``arr``'s elements are filled."""
    flat = np.ascontiguousarray(values).reshape(-1)
    return flat if arr.flags.c_contiguous else flat[memory_order(arr)]


def calc_type(dt: np.dtype) -> type:
    """The type PyTorch computes a dtype's draws in: float64 for float64, else float32."""
    return _f64 if dt == _f64 else _f32


# ---- uniform ---------------------------------------------------------------------------
def uniform01(gen: Any, n: int, dt: np.dtype) -> np.ndarray:
    """n uniforms in [0, 1), in the type PyTorch computes ``dt``'s in (float16's in float32)."""
    if dt == _f64:
        return (words64(gen, n) & np.uint64(2**53 - 1)).astype(_f64) * 2.0**-53
    return (words(gen, n) & np.uint64(2**24 - 1)).astype(_f32) * _f32(2.0**-24)


def uniform(gen: Any, n: int, dt: np.dtype, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """``uniform_(low, high)``: u·(high - low) + low, the bounds first cast to the type it is
    computed in (float32 for float16); a value that rounds up to ``high`` becomes ``low``.
    A complex dt: its 2n parts (re, im) so drawn, as PyTorch fills view_as_real(x)."""
    if dt.kind == "c":
        return uniform(gen, 2 * n, dtypes.real_dtype(dt), low, high).view(dt)
    calc = calc_type(dt)
    lo, hi = calc(low), calc(high)
    out = fma(uniform01(gen, n, dt), hi - lo, lo, calc).astype(dt)
    return np.where(out == dt.type(hi), dt.type(lo), out)


# ---- normal ----------------------------------------------------------------------------
def normal(gen: Any, n: int, dt: np.dtype, mean: float = 0.0, std: float = 1.0,
           contiguous: bool = True) -> np.ndarray:  # fmt: skip
    """``normal_(mean, std)`` of n elements: the 16-wide fill, or one sample at a time. A
    complex dt: its 2n parts (re, im) drawn with std / √2 (so E|z - mean|² = std²), as
    PyTorch fills view_as_real(x)."""
    if dt.kind == "c":
        part = dtypes.real_dtype(dt)
        return normal(gen, 2 * n, part, mean, std / math.sqrt(2), contiguous).view(dt)
    if n >= 16 and contiguous:
        return _normal_fill(gen, n, dt, mean, std)
    return via_float(fma(_normal_samples(gen, n), std, mean, _f64), dt)


def via_float(values: np.ndarray, dt: np.dtype) -> np.ndarray:
    """Doubles as ``dt``: a float16 through float32, rounded twice, as PyTorch's kernels
    store a double sample in a half."""
    return dtypes.via_float32(values, dt).astype(dt)


def _normal_samples(gen: Any, n: int) -> np.ndarray:
    """n double samples one at a time, as PyTorch draws them: the cached ``r sin θ`` first if
    there is one, then ``r cos θ`` and ``r sin θ`` of new pairs (u1, u2), r = sqrt(-2 log(1 -
    u2)), θ = 2π u1; an unused last ``r sin θ`` stays cached for the next draw."""
    out = np.empty(n, _f64)
    start = 0
    if n and gen._normal is not None:
        out[0], gen._normal, start = gen._normal, None, 1
    pairs = (n - start + 1) // 2
    u = uniform01(gen, 2 * pairs, _f64).reshape(-1, 2)
    r, theta = np.sqrt(-2.0 * np.log1p(-u[:, 1])), 2.0 * np.pi * u[:, 0]
    both = np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1).reshape(-1)
    out[start:] = both[: n - start]
    if (n - start) % 2:
        gen._normal = float(both[-1])
    return out


def _normal_fill(gen: Any, n: int, dt: np.dtype, mean: float, std: float) -> np.ndarray:
    """PyTorch's ``normal_fill``: n uniforms, turned into normals 16 at a time (the first 8
    give u1 = 1 - u, the next 8 u2), and if n is not a multiple of 16, 16 fresh uniforms
    for the last 16 elements."""
    calc = calc_type(dt)
    whole = n - n % 16
    # float16's kernel draws its uniforms 16 at a time, so it draws none for the part of
    # the last block that the tail redraws
    u = uniform01(gen, whole if dt == np.float16 else n, dt).astype(calc)
    avx = dt == _f32
    out = np.empty(n, calc)
    out[:whole] = _box_muller_16(u[:whole].reshape(-1, 16), calc, avx).reshape(-1)
    if n % 16:
        tail = uniform01(gen, 16, dt).astype(calc)
        out[n - 16 :] = _box_muller_16(tail.reshape(1, 16), calc, avx).reshape(-1)
    return fma(out, calc(std), calc(mean), calc).astype(dt)


def _box_muller_16(u: np.ndarray, calc: type, avx: bool) -> np.ndarray:
    """Rows of 16 uniforms to rows of 16 normals: [r cos θ, r sin θ], r = sqrt(-2 log u1);
    ``avx``: with the float32 log, sin and cos of PyTorch's AVX2 kernel."""
    u1, u2 = calc(1) - u[:, :8], u[:, 8:]
    if not avx:
        r = np.sqrt(calc(-2.0) * np.log(u1))
        theta = calc(2.0 * np.pi) * u2
        return np.concatenate([r * np.cos(theta), r * np.sin(theta)], axis=1)
    r = np.sqrt(_f32(-2) * _log_ps(u1))
    sin, cos = _sincos_ps(_f32(2.0 * np.pi) * u2)
    return np.concatenate([r * cos, r * sin], axis=1)


# float32 log, sin and cos of PyTorch's AVX2 kernel (Cephes' single-precision polynomials)
_LOG_P = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
          1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
          3.3333331174e-1)  # fmt: skip
_SIN_P = (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)
_COS_P = (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)
_PI4_PARTS = (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8)  # -π/4 in 3 parts


def _log_ps(x: np.ndarray) -> np.ndarray:
    """log x, x > 0: x = m·2^e with m in [√½, √2), then log m = t - t²/2 + t³ P(t), t = m - 1."""
    bits = np.maximum(x, _f32(np.finfo(_f32).tiny)).view(np.int32)
    e = ((bits >> 23) - 127).astype(_f32) + _f32(1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(_f32)  # the mantissa in [0.5, 1)
    small = m < _f32(0.707106781186547524)
    t = (m - _f32(1)) + np.where(small, m, _f32(0))  # 2m - 1 below √½, else m - 1
    e = e - small.astype(_f32)
    z = t * t
    y = np.full_like(t, _f32(_LOG_P[0]))
    for c in _LOG_P[1:]:
        y = fma(y, t, _f32(c), _f32)
    y = fma(y * t, z, e * _f32(-2.12194440e-4), _f32)
    y = y - z * _f32(0.5)
    return (t + y) + e * _f32(0.693359375)


def _sincos_ps(x: np.ndarray) -> tuple:
    """(sin x, cos x): x reduced by multiples j of π/4 (j even), then the sine or the cosine
    polynomial on the remainder, chosen and signed by j."""
    negative = np.signbit(x)
    x = np.abs(x)
    j = (x * _f32(1.27323954473516)).astype(np.int32)  # 4/π
    j = (j + 1) & ~1
    y = j.astype(_f32)
    for part in _PI4_PARTS:
        x = fma(y, _f32(part), x, _f32)
    z = x * x
    c = fma(np.full_like(x, _f32(_COS_P[0])), z, _f32(_COS_P[1]), _f32)
    c = fma(c, z, _f32(_COS_P[2]), _f32)
    c = fma(c * z, z, -(z * _f32(0.5)), _f32) + _f32(1)
    s = fma(np.full_like(x, _f32(_SIN_P[0])), z, _f32(_SIN_P[1]), _f32)
    s = fma(s, z, _f32(_SIN_P[2]), _f32)
    s = fma(s * z, x, x, _f32)
    sine_poly = (j & 2) == 0
    sin, cos = np.where(sine_poly, s, c), np.where(sine_poly, c, s)
    sin = np.where(negative ^ ((j & 4) != 0), -sin, sin)
    cos = np.where(((j - 2) & 4) == 0, -cos, cos)
    return sin, cos


# ---- integers --------------------------------------------------------------------------
def integers(gen: Any, n: int, low: int, high: int) -> np.ndarray:
    """``random_(low, high)``: low + w mod (high - low), w a 64-bit word when the range is
    2^28 or more, else a 32-bit one (int64 results, wrapping as PyTorch's)."""
    span = high - low
    if span == 2**64:  # all of int64: the words themselves
        return words64(gen, n).view(np.int64)
    w = words64(gen, n) if span >= 2**28 else words(gen, n)
    return ((w % np.uint64(span)) + np.uint64(low % 2**64)).view(np.int64)


def full_range(gen: Any, n: int, dt: np.dtype) -> np.ndarray:
    """``random_()``: w mod (largest + 1), the largest the dtype's largest integer (its
    2^digits for a float one), w 64-bit for int64 and float64, else 32-bit."""
    if dt.kind == "b":
        top = 2
    elif dt.kind == "f":
        top = 2 ** (np.finfo(dt).nmant + 1) + 1
    else:
        top = int(np.iinfo(dt).max) + 1
    w = words64(gen, n) if dt.itemsize == 8 else words(gen, n)
    return (w % np.uint64(top)).astype(dt) if top < 2**64 else w.astype(dt)


def permutation(gen: Any, n: int) -> np.ndarray:
    """``randperm(n)``: Fisher-Yates from the front, element i swapped with i + w mod (n - i)."""
    order = list(range(n))
    picks = (words(gen, max(n - 1, 0)) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
    for i, z in enumerate(picks):
        k = i + z
        order[i], order[k] = order[k], order[i]
    return np.array(order, np.int64)


# ---- other distributions ---------------------------------------------------------------
def bernoulli(gen: Any, n: int, p: Any) -> np.ndarray:
    """1 where a uniform falls below p: a double one for a number p or a float64 tensor p,
    a float32 one for another p (``p`` an array of n elements, or a number)."""
    if isinstance(p, np.ndarray) and p.dtype != _f64:
        return uniform01(gen, n, _f32) < p.astype(_f32)
    return uniform01(gen, n, _f64) < p


def keep_mask(gen: Any, shape: tuple, p: float, dt: np.dtype, like: Any = None) -> np.ndarray:
    """Dropout's noise: 1 with probability 1 - p (``bernoulli_(1 - p)``), else 0, in ``dt``;
    drawn in the memory order of ``like`` (the input, when the noise is ``empty_like`` it)."""
    keep = bernoulli(gen, math.prod(shape), 1 - p).astype(dt)
    return keep.reshape(shape) if like is None else place(keep, like)


def dropout_noise(gen: Any, x: np.ndarray, p: float) -> np.ndarray:
    """PyTorch's ``empty_like(x).bernoulli_(1 - p).div_(1 - p)``."""
    return scaled_keep(keep_mask(gen, x.shape, p, x.dtype, like=x), p)


def scaled_keep(keep: np.ndarray, p: float) -> np.ndarray:
    """A keep mask divided by 1 - p in its dtype, as PyTorch's ``div_`` by a number (which for
    float16 multiplies by the rounded reciprocal)."""
    dt = keep.dtype.type
    return keep * dt(1 / (1 - p)) if keep.dtype == np.float16 else keep / dt(1 - p)


def exponential(gen: Any, n: int, lambd: float) -> np.ndarray:
    """-log(1 - u) / lambd, u a double uniform."""
    return -1.0 / lambd * np.log1p(-uniform01(gen, n, _f64))


def cauchy(gen: Any, n: int, median: float, sigma: float) -> np.ndarray:
    """median + sigma tan(π (u - 1/2)), u a double uniform."""
    return fma(sigma, np.tan(np.pi * (uniform01(gen, n, _f64) - 0.5)), median, _f64)


def log_normal(gen: Any, n: int, mean: float, std: float) -> np.ndarray:
    """exp of a normal sample, one at a time (the cached pair included)."""
    return np.exp(fma(_normal_samples(gen, n), std, mean, _f64))


def geometric(gen: Any, n: int, p: float) -> np.ndarray:
    """ceil(log u / log(1 - p)), u a double uniform: the trials up to the first success."""
    with np.errstate(divide="ignore"):
        return np.ceil(np.log(uniform01(gen, n, _f64)) / np.log1p(-p))


class _Doubles:
    """Double uniforms for the rejection samplers, which read them one at a time: drawn
    ahead in blocks, and ``close`` leaves the twister just after the last one read."""

    def __init__(self, gen: Any, ahead: int) -> None:
        self.gen, self.start, self.ahead = gen, gen._mt.state, max(ahead, 64)
        self.block: list = []
        self.i = self.used = 0

    def __call__(self) -> float:
        if self.i == len(self.block):
            self.block, self.i = uniform01(self.gen, self.ahead, _f64).tolist(), 0
        self.i += 1
        self.used += 1
        return self.block[self.i - 1]

    def normal(self) -> float:
        """A standard normal sample, as ``_normal_samples`` draws them (with the cache)."""
        x = self.gen._normal
        if x is not None:
            self.gen._normal = None
            return x
        u1, u2 = self(), self()
        r, theta = math.sqrt(-2.0 * math.log1p(-u2)), 2.0 * math.pi * u1
        self.gen._normal = r * math.sin(theta)
        return r * math.cos(theta)

    def close(self) -> None:
        mt = self.gen._mt
        mt.state = self.start
        for k in range(0, 2 * self.used, 1 << 20):  # two words a double
            mt.random_raw(min(1 << 20, 2 * self.used - k))


def _each(gen: Any, values: list, one: Any, ahead: int) -> np.ndarray:
    """``one(doubles, value)`` for each value in order, reading one stream of doubles."""
    doubles = _Doubles(gen, ahead)
    try:
        return np.array([one(doubles, v) for v in values], _f64)
    finally:
        doubles.close()


def gamma(gen: Any, alpha: np.ndarray, scalar: type) -> np.ndarray:
    """Gamma(alpha, 1) draws, one per element of ``alpha`` in order (float64 results), by
    Marsaglia and Tsang's method, with PyTorch's draws and arithmetic: ``scalar`` is the type
    PyTorch holds alpha in (float32 for a float32 Gamma, float64 for any Dirichlet)."""
    values = alpha.reshape(-1).tolist()
    return _each(gen, values, lambda s, a: _gamma_one(s, a, scalar), 3 * len(values))


def _gamma_one(u: _Doubles, alpha: float, scalar: type) -> float:
    """One draw: for alpha < 1, a draw for alpha + 1 times U^(1/alpha); then d = alpha - 1/3,
    c = 1/sqrt(9d), and d (1 + c x)³ for the first normal x whose (1 + c x)³ = v passes
    u < 1 - 0.0331 x⁴ or log u < x²/2 + d (1 - v + log v), u = 1 - a uniform."""
    scale = 1.0
    a = scalar(alpha)
    if a < 1:
        if a == 0:
            return 0.0
        scale *= (1.0 - u()) ** float(scalar(1.0) / a)
        a = scalar(a + scalar(1.0))
    d = float(a - scalar(_f32(1.0) / _f32(3.0)))
    with np.errstate(divide="ignore", invalid="ignore"):  # alpha < 0 or NaN: NaN, as PyTorch
        c = float(1.0 / np.sqrt(_f64(9.0 * d)))
    while True:
        y = 0.0
        while y <= 0:
            x = u.normal()
            y = 1.0 + c * x
        v = y * y * y
        w = 1.0 - u()
        xx = x * x
        if w < 1.0 - float(_f32(0.0331)) * xx * xx:
            return scale * d * v
        if math.log(w) < 0.5 * xx + d * (1.0 - v + (math.log(v) if v > 0 else math.nan)):
            return scale * d * v


def poisson(gen: Any, rates: np.ndarray) -> np.ndarray:
    """A Poisson draw per rate, in order (float64 results): Hörmann's transformed rejection
    for rates of 10 or more, else multiplying uniforms until the product falls to e^-rate."""
    rates = rates.reshape(-1)
    if not np.all(rates.astype(_f64) < 2.0**63):  # inf too (NaN is refused by the callers)
        raise RuntimeError(f"poisson: rate {rates.max()} too large to draw from (PyTorch returns "
                           "a meaningless count)")  # fmt: skip
    values = rates.tolist()
    return _each(gen, values, _poisson_one, int(sum(min(v, 10.0) for v in values)) + len(values))


def _poisson_one(u: _Doubles, lam: float) -> float:
    if lam >= 10:
        slam, loglam = math.sqrt(lam), math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            U = u() - 0.5
            V = u()
            us = 0.5 - abs(U)
            k = math.floor((2 * a / us + b) * U + lam + 0.43)
            if us >= 0.07 and V <= vr:
                return float(k)
            if k < 0 or (us < 0.013 and V > us):
                continue
            if (math.log(V) + math.log(invalpha) - math.log(a / (us * us) + b)
                    <= -lam + k * loglam - math.lgamma(k + 1.0)):  # fmt: skip
                return float(k)
    if lam == 0:
        return 0.0
    count, prod, limit = 0, 1.0, math.exp(-lam)
    while True:
        prod *= u()
        if prod <= limit:
            return float(count)
        count += 1


def binomial(gen: Any, count: np.ndarray, prob: np.ndarray, scalar: type) -> np.ndarray:
    """A Binomial(count, prob) draw per pair, in order (float64 results): inverting geometric
    waiting times when count·p < 10, else BTRS (Hörmann's transformed rejection), on the
    smaller of p and 1 - p; ``scalar`` is the type PyTorch holds count and prob in."""
    pairs = list(zip(count.reshape(-1).tolist(), prob.reshape(-1).tolist()))

    def one(u: _Doubles, pair: tuple) -> float:
        return _binomial_one(u, scalar(pair[0]), scalar(pair[1]), scalar)

    return _each(gen, pairs, one, 4 * len(pairs))


def _binomial_one(u: _Doubles, n: Any, p: Any, scalar: type) -> float:
    """One draw; n and p of the type ``scalar`` (their products round as PyTorch's do)."""
    if n <= 0 or p <= 0:
        return 0.0
    if p >= 1:
        return float(n)
    if p <= 0.5:
        return _binomial_small_p(u, n, p, scalar)
    if p > 0.5:
        return float(n) - _binomial_small_p(u, n, scalar(1.0 - float(p)), scalar)
    return math.nan  # p is NaN


def _binomial_small_p(u: _Doubles, n: Any, p: Any, scalar: type) -> float:
    """A draw for p <= 1/2: BTRS when n p >= 10, else the geometric waiting times that fit
    in n trials (ceil(log u / log(1 - p)) each)."""
    if n * p >= 10:
        return _btrs(u, n, p, scalar)
    log_q = math.log1p(-float(p))
    total, successes = 0.0, 0.0
    while True:
        total += math.ceil(math.log(u()) / log_q)
        if total > n:
            return successes
        successes += 1


def _stirling_tail(k: float) -> float:
    """log k! minus Stirling's approximation of it (a table up to 9)."""
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


_STIRLING_TAIL = (0.0810614667953272, 0.0413406959554092, 0.0276779256849983,
                  0.02079067210376509, 0.0166446911898211, 0.0138761288230707,
                  0.0118967099458917, 0.0104112652619720, 0.00925546218271273,
                  0.00833056343336287)  # fmt: skip


def _btrs(u: _Doubles, n: Any, p: Any, scalar: type) -> float:
    """Hörmann's BTRS: k = floor((2a/us + b) U + c) for uniforms U - 1/2, V, accepted inside
    the box (us >= 0.07, V <= v_r) or when log(V α / (a/us² + b)) is under the bound made of
    the log-ratio of the binomial at k and at its mode m (with Stirling's tails)."""
    one = scalar(1.0)
    spq = math.sqrt(float(n * p * (one - p)))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * float(p)
    c = float(n * p) + 0.5
    v_r = 0.92 - 4.2 / b
    r = float(p / (one - p))
    alpha = (2.83 + 5.1 / b) * spq
    m = math.floor(float((n + one) * p))
    nf = float(n)
    while True:
        U = u() - 0.5
        V = u()
        us = 0.5 - abs(U)
        k = float(scalar(math.floor((2 * a / us + b) * U + c)))
        if k < 0 or k > nf:
            continue
        if us >= 0.07 and V <= v_r:
            return k
        V = math.log(V * alpha / (a / (us * us) + b))
        bound = ((m + 0.5) * math.log((m + 1) / (r * (nf - m + 1)))
                 + (nf + 1) * math.log((nf - m + 1) / (nf - k + 1))
                 + (k + 0.5) * math.log(r * (nf - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(nf - m)
                 - _stirling_tail(k) - _stirling_tail(nf - k))  # fmt: skip
        if V <= bound:
            return k


def multinomial(gen: Any, probs: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
    """``multinomial`` of rows of weights (rows, k) -> (rows, num_samples) indices.

    Without replacement, or for one sample: the largest of p / q, q ~ Exp(1) drawn for every
    weight (Gumbel's top-k). With replacement: per row, a double uniform per sample looked
    up in the row's normalized running sum (its last entry set to 1).
    """
    rows, k = probs.shape
    if not replacement or num_samples == 1:
        q = probs / exponential(gen, rows * k, 1.0).astype(probs.dtype).reshape(rows, k)
        return np.argsort(-q, axis=1, kind="stable")[:, :num_samples]
    out = np.empty((rows, num_samples), np.int64)
    for i, row in enumerate(probs):
        cum = np.cumsum(row, dtype=_f32 if row.dtype == np.float16 else row.dtype)
        if cum[-1] > 0:
            cum = cum / cum[-1]
        cum[-1] = 1
        out[i] = np.searchsorted(cum.astype(_f64), uniform01(gen, num_samples, _f64))
    return out
