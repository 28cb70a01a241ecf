"""PyTorch's tutorial programs run twice, once with ``import torch`` and once with
``import minigrad as torch``: each program takes the module (and its ``nn``,
``nn.functional``, ``optim``, ``utils.data``) and returns what it prints, and both
runs must agree. Random draws differ between the two (minigrad's generator is NumPy's),
so the programs take their data and initial weights from NumPy."""


from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()


def test_device_selection():
    def program(T):
        device = T.accelerator.current_accelerator().type if T.accelerator.is_available() else "cpu"
        older = (
            "cuda" if T.cuda.is_available() else "mps" if T.backends.mps.is_available() else "cpu"
        )
        x = T.ones(2, 3, device=device)
        return device, older, str(x.device), T.accelerator.device_count()

    assert program(mg) == program(torch)
