"""minigrad: a small, fast, correct reverse-mode autodiff tensor framework on NumPy."""

from . import autograd, cuda, data, nn, optim, reference, utils
from . import dtypes as _dt
from .autograd import GradcheckError, gradcheck
from .device import device
from .dtypes import get_default_dtype, set_default_dtype
from .factories import (
    arange,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .functions import (
    abs,
    acos,
    add,
    addcdiv,
    addcmul,
    addmm,
    all,
    allclose,
    amax,
    amin,
    any,
    argmax,
    argmin,
    argsort,
    asin,
    atan,
    atan2,
    bmm,
    ceil,
    chunk,
    clamp,
    clamp_max,
    clamp_min,
    clip,
    cos,
    cosh,
    cumprod,
    cumsum,
    diag,
    diagonal,
    div,
    dot,
    dsplit,
    eq,
    exp,
    exp2,
    expm1,
    flatten,
    flip,
    floor,
    frac,
    gather,
    ge,
    gt,
    hsplit,
    index_select,
    isfinite,
    isinf,
    isnan,
    le,
    lerp,
    log,
    log1p,
    log2,
    log10,
    log_softmax,
    logit,
    logsumexp,
    lt,
    matmul,
    max,
    mean,
    min,
    mm,
    moveaxis,
    movedim,
    mul,
    mv,
    nan_to_num,
    narrow,
    ne,
    neg,
    norm,
    outer,
    permute,
    prod,
    ravel,
    reciprocal,
    relu,
    reshape,
    roll,
    round,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sinh,
    softmax,
    sort,
    split,
    split_with_sizes,
    sqrt,
    square,
    squeeze,
    std,
    sub,
    sum,
    swapaxes,
    swapdims,
    t,
    tan,
    tanh,
    tensor_split,
    tile,
    topk,
    trace,
    transpose,
    tril,
    triu,
    trunc,
    unbind,
    unflatten,
    unsqueeze,
    var,
    vsplit,
)
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .ops import (
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    cat,
    floor_divide,
    maximum,
    minimum,
    pow,
    remainder,
    stack,
    where,
)
from .random import manual_seed
from .serialization import load, save
from .tensor import Tensor

float16 = half = _dt.float16
float32 = float = _dt.float32
float64 = double = _dt.float64
uint8 = _dt.uint8
int8 = _dt.int8
int16 = short = _dt.int16
int32 = int = _dt.int32
int64 = long = _dt.int64
bool = _dt.bool_

__version__ = "0.1.0"


def __getattr__(name: str):
    """``mg.viz`` imports on first use: it needs the optional graphviz package."""
    if name == "viz":
        import importlib

        return importlib.import_module(".viz", __name__)
    raise AttributeError(f"module 'minigrad' has no attribute {name!r}")
