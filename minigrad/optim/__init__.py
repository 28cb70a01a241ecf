"""``minigrad.optim``: optimizers that update parameters in place, and ``lr_scheduler``."""

from . import lr_scheduler, swa_utils
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .asgd import ASGD
from .lbfgs import LBFGS
from .muon import Muon
from .nadam import NAdam
from .optimizer import Optimizer
from .radam import RAdam
from .rmsprop import RMSprop
from .rprop import Rprop
from .sgd import SGD
from .sparse_adam import SparseAdam
from .stateless import swap_in_optimizer_params_and_state

__all__ = [
    "SGD", "Adam", "AdamW", "Adagrad", "Adamax", "NAdam", "RAdam", "RMSprop", "Adadelta",
    "Rprop", "ASGD", "LBFGS", "Adafactor", "Muon", "SparseAdam", "Optimizer",
    "lr_scheduler", "swa_utils", "swap_in_optimizer_params_and_state",
]  # fmt: skip
