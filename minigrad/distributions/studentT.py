"""PyTorch's module name for ``StudentT`` (``torch.distributions.studentT``)."""

from .student_t import StudentT

__all__ = ["StudentT"]
