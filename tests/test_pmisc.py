"""Torch-free checks from the adversarial pass over printing, nn.utils and func."""


import minigrad as mg


def test_get_total_norm_of_float16_accumulates_without_overflow():
    # 300² + 400² = 250000 is past float16's largest value (65504); the norm, 500, is not
    grads = [mg.tensor([300.0, 400.0], dtype=mg.float16), mg.tensor([0.0], dtype=mg.float16)]
    total = mg.nn.utils.get_total_norm(grads)
    assert total.dtype == mg.float16
    assert total.item() == 500.0
