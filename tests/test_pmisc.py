"""Torch-free checks from the adversarial pass over printing, nn.utils and func."""

import numpy as np

import minigrad as mg


def test_get_total_norm_of_float16_accumulates_without_overflow():
    # 300² + 400² = 250000 is past float16's largest value (65504); the norm, 500, is not
    grads = [mg.tensor([300.0, 400.0], dtype=mg.float16), mg.tensor([0.0], dtype=mg.float16)]
    total = mg.nn.utils.get_total_norm(grads)
    assert total.dtype == mg.float16
    assert total.item() == 500.0


def test_float16_norms_do_not_overflow_in_their_squares():
    x = mg.tensor([300.0, 400.0], dtype=mg.float16)  # 300² + 400² > 65504, float16's max
    for n in (x.norm(), mg.linalg.vector_norm(x), mg.linalg.norm(x)):
        assert n.dtype == mg.float16
        assert n.item() == 500.0
    expected = np.float16(np.sum(np.array([300.0, 400.0]) ** 3) ** (1 / 3))
    assert x.norm(p=3).item() == expected
    assert mg.linalg.vector_norm(x, 3).item() == expected


def test_vector_to_parameters_refuses_integers_for_parameters_that_require_grad():
    m = mg.nn.Linear(2, 2)
    try:
        mg.nn.utils.vector_to_parameters(mg.arange(6), m.parameters())
    except RuntimeError as e:
        assert "vector_to_parameters" in str(e)
    else:
        raise AssertionError("an int64 vector became the data of a parameter requiring grad")
    assert m.weight.dtype == mg.float32
    mg.nn.utils.vector_to_parameters(mg.arange(6.0, dtype=mg.float64), m.parameters())
    assert m.weight.dtype == mg.float64 and m.bias.tolist() == [4.0, 5.0]


def test_vmap_out_dims_none_refuses_an_output_that_differs_between_slices():
    x = mg.arange(6.0).reshape(3, 2)
    try:
        mg.func.vmap(lambda a: a * 2, out_dims=None)(x)
    except ValueError as e:
        assert "out_dim is None" in str(e)
    else:
        raise AssertionError("a mapped output was cut to its first slice")
    same = mg.func.vmap(lambda a: (a * 2, mg.ones(2)), out_dims=(0, None))(x)
    assert same[0].tolist() == (x * 2).tolist() and same[1].tolist() == [1.0, 1.0]


def test_save_by_keyword_obj_and_f(tmp_path):
    mg.save(obj={"w": mg.tensor([1, 2])}, f=tmp_path / "w.pt")
    loaded = mg.load(f=tmp_path / "w.pt")
    assert loaded["w"].dtype == mg.int64 and loaded["w"].tolist() == [1, 2]


def test_total_norm_rounds_each_tensors_norm_to_its_dtype():
    # the float16 tensor's norm is rounded to float16 before the norm of the norms
    g16 = np.array([30.0, -40.0, 0.1], np.float16)
    g64 = np.array([7.0])
    own = np.float16(np.linalg.norm(g16.astype(np.float32), 3))
    expected = np.linalg.norm(np.array([own, np.linalg.norm(g64, 3)], np.float64), 3)
    total = mg.nn.utils.get_total_norm([mg.tensor(g16), mg.tensor(g64)], norm_type=3)
    assert total.dtype == mg.float64
    assert total.item() == expected
