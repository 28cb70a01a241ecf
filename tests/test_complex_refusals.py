"""Ops PyTorch has only for real numbers refuse complex tensors, naming the op and the dtype
(NumPy would order complex numbers by their real parts first, or drop the imaginary part),
with PyTorch's exception class: NotImplementedError for a missing kernel, RuntimeError
where PyTorch checks the dtype itself."""

import numpy as np
import pytest

import minigrad as mg

C = np.array([[1 + 2j, -1 + 0.5j, 3j], [2, 1 - 1j, 0]], np.complex64)
NIE, RE = NotImplementedError, RuntimeError
IDX = [[0, 0, 1], [0, 1, 1]]

# name: (op on the library L and a complex tensor c, exception class, text of the message)
REFUSED = {
    "lt": (lambda L, c: c < 0, NIE, "lt"),
    "le": (lambda L, c: c <= 0, NIE, "le"),
    "gt": (lambda L, c: c > 0, NIE, "gt"),
    "ge": (lambda L, c: c >= 0, NIE, "ge"),
    "lt tensors": (lambda L, c: L.lt(c, c), NIE, "lt"),
    "real < 1j": (lambda L, c: c.real < 1j, NIE, "lt"),
    "real < complex": (lambda L, c: L.lt(c.real, c), NIE, "lt"),
    "lt empty": (lambda L, c: c[:0] < 0, NIE, "lt"),
    "max": (lambda L, c: c.max(), NIE, "max"),
    "max dim": (lambda L, c: c.max(1), RE, "max"),
    "max 0-d dim": (lambda L, c: c[0, 0].max(0), RE, "max"),
    "min": (lambda L, c: c.min(), NIE, "min"),
    "amax": (lambda L, c: c.amax(), NIE, "amax"),
    "amin": (lambda L, c: c.amin(0), NIE, "amin"),
    "aminmax": (lambda L, c: L.aminmax(c), NIE, "aminmax"),
    "argmax": (lambda L, c: c.argmax(), RE, "argmax"),
    "argmin": (lambda L, c: c.argmin(1), RE, "argmin"),
    "sort": (lambda L, c: c.sort(), RE, "sort"),
    "sort 0-d": (lambda L, c: c[0, 0].sort(), RE, "sort"),
    "argsort": (lambda L, c: c.argsort(descending=True), RE, "sort"),
    "msort": (lambda L, c: L.msort(c), RE, "sort"),
    "topk": (lambda L, c: c.topk(1), RE, "topk"),
    "kthvalue": (lambda L, c: c.kthvalue(1), NIE, "kthvalue"),
    "median": (lambda L, c: c.median(), NIE, "median"),
    "median dim": (lambda L, c: c.median(1), NIE, "median"),
    "nanmedian": (lambda L, c: c.nanmedian(), NIE, "nanmedian"),
    "mode": (lambda L, c: c.mode(), NIE, "mode"),
    "cummax": (lambda L, c: c.cummax(1), NIE, "cummax"),
    "cummin": (lambda L, c: c.cummin(1), NIE, "cummin"),
    "clamp": (lambda L, c: c.clamp(0), NIE, "clamp"),
    "clamp_max": (lambda L, c: c.clamp(max=1), NIE, "clamp"),
    "clamp_min": (lambda L, c: L.clamp_min(c, 0), NIE, "clamp"),
    "clamp_": (lambda L, c: c.clone().clamp_(0), NIE, "clamp"),
    "clamp tensors": (lambda L, c: L.clamp(c, c, c), NIE, "clamp"),
    "maximum": (lambda L, c: L.maximum(c, c), RE, "maximum"),
    "maximum real, complex": (lambda L, c: L.maximum(c.real, c), RE, "maximum"),
    "minimum": (lambda L, c: L.minimum(c, c), RE, "minimum"),
    "fmax": (lambda L, c: L.fmax(c, c), RE, "fmax"),
    "fmin": (lambda L, c: L.fmin(c, c), RE, "fmin"),
    "relu": (lambda L, c: L.relu(c), NIE, "relu"),
    "F.relu": (lambda L, c: L.nn.functional.relu(c), NIE, "relu"),
    "nn.ReLU": (lambda L, c: L.nn.ReLU()(c), NIE, "relu"),
    "relu_": (lambda L, c: c.clone().relu_(), NIE, "relu_"),
    "hardtanh": (lambda L, c: L.nn.functional.hardtanh(c), NIE, "hardtanh"),
    "relu6": (lambda L, c: L.nn.functional.relu6(c), NIE, "hardtanh"),
    "threshold": (lambda L, c: L.nn.functional.threshold(c, 0.1, 2.0), NIE, "threshold"),
    "max_pool2d": (lambda L, c: L.nn.functional.max_pool2d(c[None, None], 1), NIE, "max_pool2d"),
    "searchsorted": (lambda L, c: L.searchsorted(c[0], c[1]), NIE, "searchsorted"),
    "bucketize": (lambda L, c: L.bucketize(c, c[0]), NIE, "searchsorted"),
    "unique": (lambda L, c: L.unique(c), NIE, "unique"),
    "unique_consecutive": (lambda L, c: L.unique_consecutive(c), NIE, "unique_consecutive"),
    "isin": (lambda L, c: L.isin(c, c[0]), RE, "isin"),
    "heaviside": (lambda L, c: L.heaviside(c, c), RE, "heaviside"),
    "scatter_reduce amax": (
        lambda L, c: c.scatter_reduce(1, L.tensor(IDX), c, "amax"),
        NIE,
        "scatter_reduce",
    ),
    "lgamma": (lambda L, c: L.lgamma(c), NIE, "lgamma"),
    "digamma": (lambda L, c: L.digamma(c), NIE, "digamma"),
    "polygamma": (lambda L, c: L.polygamma(1, c), NIE, "polygamma"),
    "erf": (lambda L, c: L.erf(c), NIE, "erf"),
    "erf empty": (lambda L, c: L.erf(c[:0]), NIE, "erf"),
    "erfc": (lambda L, c: L.special.erfc(c), NIE, "erfc"),
    "erfinv": (lambda L, c: L.erfinv(c), NIE, "erfinv"),
    "special.erfcx": (lambda L, c: L.special.erfcx(c), NIE, "erfcx"),
    "special.ndtri": (lambda L, c: L.special.ndtri(c), NIE, "ndtri"),
    "special.entr": (lambda L, c: L.special.entr(c), NIE, "entr"),
    "special.xlog1py": (lambda L, c: L.special.xlog1py(c, c), NIE, "xlog1py"),
    "special.zeta": (lambda L, c: L.special.zeta(c, c), NIE, "zeta"),
    "special.gammainc": (lambda L, c: L.special.gammainc(c, c), NIE, "igamma"),
    "i0": (lambda L, c: L.i0(c), NIE, "i0"),
    "round": (lambda L, c: L.round(c), NIE, "round"),
    "logit": (lambda L, c: L.logit(c), NIE, "logit"),
    "deg2rad": (lambda L, c: L.deg2rad(c), RE, "deg2rad"),
    "rad2deg": (lambda L, c: L.rad2deg(c), RE, "rad2deg"),
    "xlogy": (lambda L, c: L.xlogy(c, c), NIE, "xlogy"),
    "sign": (lambda L, c: L.sign(c), NIE, "sign"),
    "floor": (lambda L, c: L.floor(c), NIE, "floor"),
    "ceil": (lambda L, c: L.ceil(c), NIE, "ceil"),
    "trunc": (lambda L, c: L.trunc(c), NIE, "trunc"),
    "frac": (lambda L, c: L.frac(c), NIE, "frac"),
    "signbit": (lambda L, c: L.signbit(c), NIE, "signbit"),
    "isposinf": (lambda L, c: L.isposinf(c), RE, "isposinf"),
    "isneginf": (lambda L, c: L.isneginf(c), RE, "isneginf"),
    "copysign": (lambda L, c: L.copysign(c, c), NIE, "copysign"),
    "hypot": (lambda L, c: L.hypot(c, c), NIE, "hypot"),
    "atan2": (lambda L, c: L.atan2(c, c), NIE, "atan2"),
    "remainder": (lambda L, c: L.remainder(c, c), NIE, "remainder"),
    "floor_divide": (lambda L, c: c // 2, NIE, "floor_divide"),
    "div floor": (lambda L, c: L.div(c, c, rounding_mode="floor"), NIE, "div"),
    "fmod": (lambda L, c: L.fmod(c, c), NIE, "fmod"),
    "softmax": (lambda L, c: L.softmax(c, 1), NIE, "softmax"),
    "log_softmax": (lambda L, c: L.log_softmax(c, 1), NIE, "log_softmax"),
    "cross_entropy": (
        lambda L, c: L.nn.functional.cross_entropy(c, L.tensor([0, 1])),
        NIE,
        "log_softmax",
    ),
    "nll_loss": (lambda L, c: L.nn.functional.nll_loss(c, L.tensor([0, 1])), NIE, "nll_loss"),
    "nansum": (lambda L, c: L.nansum(c), RE, "nansum"),
    "nanmean": (lambda L, c: L.nanmean(c), RE, "nansum"),
    "abs_": (lambda L, c: c.clone().abs_(), RE, "abs_"),
    "dropout": (lambda L, c: L.nn.functional.dropout(c, 0.5, True), NIE, "dropout"),
    "dropout2d": (
        lambda L, c: L.nn.functional.dropout2d(c[None, None], 0.5, True),
        NIE,
        "dropout2d",
    ),
    "randint_like": (lambda L, c: L.randint_like(c, 3), RE, "randint"),
    "arange": (lambda L, c: L.arange(3, dtype=c.dtype), NIE, "arange"),
    "pad value 1j": (lambda L, c: L.nn.functional.pad(c, (1, 1), value=1j), TypeError, "pad"),
}

# what PyTorch gives for these (no kernel is called): no refusal
ALLOWED = {
    "amax of an empty result": lambda L, c: c[:0].amax(1),
    "softmax of no elements": lambda L, c: L.softmax(c[:0], 1),
    "cummax of a 0-d tensor": lambda L, c: L.cummax(c[0, 0], 0),
    "cummin of no elements": lambda L, c: c[:0].cummin(0),
    "kthvalue of a 0-d tensor": lambda L, c: c[0, 0].kthvalue(1),
    "nanmedian of no elements": lambda L, c: c[:0].nanmedian(),
    "dropout at p = 0": lambda L, c: L.nn.functional.dropout(c, 0.0, True),
    "constant_pad_nd value 1j": lambda L, c: L.constant_pad_nd(c, (1, 1), 1j),
    "sgn": lambda L, c: L.sgn(c),
    "eq": lambda L, c: c == c,
}


@pytest.mark.parametrize("name", REFUSED)
def test_refused(name):
    fn, error, text = REFUSED[name]
    with pytest.raises(error, match=text):
        fn(mg, mg.tensor(C))


@pytest.mark.parametrize("name", ALLOWED)
def test_allowed(name):
    ALLOWED[name](mg, mg.tensor(C))


def test_message_names_the_dtype():
    with pytest.raises(NotImplementedError, match="complex128"):
        mg.tensor(C.astype(np.complex128)).amax()
    with pytest.raises(RuntimeError, match="complex64"):
        mg.tensor(C).argmax()
