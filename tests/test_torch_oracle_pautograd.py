# ruff: noqa: E501 - the programs are data, one per line
"""Autograd corners against PyTorch: gradcheck's keyword names, a retained gradient
accumulated across backward calls, autograd.grad with is_grads_batched. Runs only where
torch is installed."""

import inspect
import warnings

import pytest
from test_torch_oracle_autograd import test_program_matches_pytorch as _matches_pytorch
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

PROGRAMS = [
    # gradcheck called with PyTorch's keyword names
    "x = M.tensor([0.5, -1.5], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(func=lambda a: a.exp() * a, inputs=(x,))",
    "x = M.tensor([0.5, -1.5], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(func=M.sin, inputs=x, eps=1e-6, atol=1e-5, rtol=1e-3)",
    # gradcheck takes PyTorch's other options
    "x = M.tensor([0.5, -1.5], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(M.exp, (x,), check_undefined_grad=False, check_grad_dtypes=True, check_batched_grad=True, masked=False, nondet_tol=0.0)",
    "x = M.tensor([0.5, -1.5], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(lambda a: a * a.detach(), (x,), check_undefined_grad=False, check_batched_grad=True, raise_exception=False)",
    "x = M.tensor([0.5, -1.5], dtype=M.float64, requires_grad=True); R = M.autograd.gradcheck(M.exp, (x,), check_backward_ad=False)",
    # autograd.functional.jacobian(strategy="forward-mode"): the same Jacobian, on PyTorch's conditions
    "x = M.tensor([1., 2.], dtype=M.float64); R = M.autograd.functional.jacobian(lambda a: a ** 2 * a.sum(), x, vectorize=True, strategy='forward-mode')",
    "x = M.tensor([1., 2.]); y = M.tensor([3., -1., 0.5]); R = M.autograd.functional.jacobian(lambda a, b: (M.outer(a, b), a.sum() * b), (x, y), vectorize=True, strategy='forward-mode')",
    "x = M.tensor([1., 2.]); R = M.autograd.functional.jacobian(lambda a: a ** 2, x, strategy='forward-mode')",
    "x = M.tensor([1., 2.]); R = M.autograd.functional.jacobian(lambda a: a ** 2, x, vectorize=True, strategy='forward-mode', strict=True)",
    "x = M.tensor([1., 2.]); R = M.autograd.functional.jacobian(lambda a: a ** 2, x, strategy='sideways')",
    # autograd.functional.jvp: J v, from the Jacobian
    "R = M.autograd.functional.jvp(lambda x: x ** 2 * x.sum(), M.tensor([1., 2.]), M.tensor([1., -3.]))",
    "R = M.autograd.functional.jvp(lambda a: a.exp(), M.tensor(1.5, dtype=M.float64), M.tensor(2., dtype=M.float64))",
    "R = M.autograd.functional.jvp(lambda a: a.sum() * 2, M.tensor([3.]))",
    "R = M.autograd.functional.jvp(lambda x: x ** 2, M.tensor([1., 2.]))",
    "R = M.autograd.functional.jvp(lambda a, b: (a * b, a.sum()), (M.tensor([1., 2.]), M.tensor([3., 4.])), (M.ones(2), M.tensor([0.5, -1.])))",
    "R = M.autograd.functional.jvp(lambda x: x @ x.T, M.tensor([[1., 2.], [3., -1.]]), M.tensor([[0.5, 1.], [2., -1.]]))",
    "R = M.autograd.functional.jvp(lambda x: x ** 2, (M.tensor([1., 2.]),), (M.ones(2, dtype=M.float64),))",
    "R = M.autograd.functional.jvp(lambda a, b: a * 2, (M.tensor([1., 2.]), M.tensor([1., 2.])), (M.ones(2), M.ones(2)))",
    "R = M.autograd.functional.jvp(lambda a, b: a * 2, (M.tensor([1., 2.]), M.tensor([1., 2.])), (M.ones(2), M.ones(2)), strict=True)",
    "R = M.autograd.functional.jvp(lambda a: M.ones(2), M.tensor([1., 2.]), M.ones(2))",
    "R = M.autograd.functional.jvp(lambda a: M.ones(2), M.tensor([1., 2.]), M.ones(2), strict=True)",
    "R = M.autograd.functional.jvp(lambda x: x ** 2, M.tensor([1., 2.]), M.ones(3))",
    "R = M.autograd.functional.jvp(lambda x: x ** 2, M.tensor([1., 2.]), [M.ones(2)])",
    "R = M.autograd.functional.jvp(lambda a, b: a * b, (M.tensor([1., 2.]), M.tensor([1., 2.])), (M.ones(2),))",
    # a retained gradient accumulates out of place: the first backward's .grad is kept as it was
    "x = M.tensor([1., 2.], requires_grad=True); y = x * 2; y.retain_grad(); y.sum().backward(retain_graph=True); g = y.grad; (y * y).sum().backward(); R = (g, y.grad, g is y.grad)",
    "x = M.tensor(3., requires_grad=True); y = x * x; y.retain_grad(); y.backward(retain_graph=True); g = y.grad; y.backward(M.tensor(2.)); R = (g, y.grad, g is y.grad, x.grad)",
    # autograd.grad(is_grads_batched=True): a batch of grad_outputs, one result row per row
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = x ** 2; R = M.autograd.grad(y, x, M.eye(3), is_grads_batched=True)",
    "x = M.tensor([[1., 2., 3.]], dtype=M.float64, requires_grad=True); y = (x ** 2).sum(0); R = (M.autograd.grad(y, x, M.eye(3), is_grads_batched=True), x.grad)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); z = M.ones(2, requires_grad=True); y = x ** 2; R = M.autograd.grad([y, (y * x).sum()], [x, z], [M.eye(3), M.arange(3.)], is_grads_batched=True, allow_unused=True)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = x.sum(); R = M.autograd.grad(y, x, M.tensor([1., -2.]), is_grads_batched=True)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = x ** 2; R = M.autograd.grad(y, x, M.ones(2, 3, dtype=M.float64), is_grads_batched=True)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = x ** 2; M.autograd.grad(y, x, M.eye(3), is_grads_batched=True, retain_graph=True); R = M.autograd.grad(y, x, 2 * M.eye(3), is_grads_batched=True)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = x ** 2; M.autograd.grad(y, x, M.eye(3), is_grads_batched=True); R = M.autograd.grad(y, x, M.eye(3))",
    "x = M.tensor([1., 2., 3.], requires_grad=True); z = M.ones(2, requires_grad=True); R = M.autograd.grad(x ** 2, [x, z], M.eye(3), is_grads_batched=True)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); R = M.autograd.grad(x ** 2, x, M.ones(3), is_grads_batched=True)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); R = M.autograd.grad(x ** 2, x, is_grads_batched=True)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); R = M.autograd.grad(x.sum(), x, is_grads_batched=True)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); y = x ** 2; R = M.autograd.grad([y, y], x, [M.eye(3), M.ones(2, 3)], is_grads_batched=True)",
    "x = M.tensor([1., 2., 3.], requires_grad=True); R = M.autograd.grad(x * 2, x, M.zeros(0, 3), is_grads_batched=True)",
    # backward's inputs: an element that is not a Tensor is a RuntimeError, as PyTorch's
    "x = M.ones(2, requires_grad=True); (x * 2).sum().backward(inputs=[1.0])",
    "x = M.ones(2, requires_grad=True); (x * 2).sum().backward(inputs=[x, None])",
    "x = M.ones(2, requires_grad=True); M.autograd.backward((x * 2).sum(), inputs=(x, 'x'))",
    "x = M.ones(2, requires_grad=True); (x * 2).sum().backward(inputs=3)",
    # autograd.backward's deprecated grad_variables, and its positional order
    "x = M.tensor([1., 2.], requires_grad=True); M.autograd.backward(x * 3, grad_variables=M.tensor([1., -1.])); R = x.grad",
    "x = M.tensor([1., 2.], requires_grad=True); M.autograd.backward(x * 3, M.ones(2), grad_variables=M.ones(2))",
    "x = M.tensor([1., 2.], requires_grad=True); w = M.ones(2, requires_grad=True); M.autograd.backward([(x * w).sum()], None, None, False, None, [w]); R = (x.grad, w.grad)",
]  # fmt: skip


@pytest.mark.parametrize("program", PROGRAMS)
def test_program_matches_pytorch(program):
    _matches_pytorch(program)


def _attr(module, dotted):
    for part in dotted.split("."):
        module = getattr(module, part)
    return module


@pytest.mark.parametrize(
    "name",
    [
        "gradcheck",
        "gradgradcheck",
        "backward",
        "grad",
        "functional.jvp",
        "functional.hessian",
        "functional.hvp",
        "functional.vhp",
    ],
)
def test_signature_matches_pytorch(name):
    """The positional parameters as PyTorch's; each keyword one PyTorch's, with its default."""
    ours = inspect.signature(_attr(mg.autograd, name)).parameters
    theirs = inspect.signature(_attr(torch.autograd, name)).parameters
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    assert [n for n, p in ours.items() if p.kind in kinds] == [
        n for n, p in theirs.items() if p.kind in kinds
    ]
    for n, p in ours.items():
        assert n in theirs and theirs[n].kind == p.kind and theirs[n].default == p.default, n


WARNING_PROGRAMS = [
    "x = M.ones(3, requires_grad=True); y = x * 2; R = y.grad",
    "x = M.ones(3, requires_grad=True); y = x * 2; y.grad = M.full((3,), 2.); R = y.grad",
    "x = M.ones(3, requires_grad=True); y = x * 2; y.grad = M.ones(3); y.grad = None; R = y.grad",
    "x = M.ones(3, requires_grad=True); y = x * 2; y.retain_grad(); R = y.grad",
    "x = M.ones(3, requires_grad=True); R = x.grad",
]  # fmt: skip


@pytest.mark.parametrize("program", WARNING_PROGRAMS)
def test_non_leaf_grad_warns_as_pytorch(program):
    """Reading a non-leaf's .grad warns exactly when PyTorch's does: when it is None."""
    results = []
    for M in (torch, mg):
        env = {"M": M}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec(program, env)
        warned = any("not a leaf Tensor" in str(w.message) for w in caught)
        value = env["R"]
        results.append((warned, None if value is None else value.tolist()))
    assert results[1] == results[0]


def _fn(M, methods):
    """A Function computing 2x whose backward methods are ``methods`` (names -> factor)."""
    body = {"forward": staticmethod(lambda ctx, x: x * 2)}
    for name, k in methods.items():
        body[name] = staticmethod(lambda ctx, g, k=k: g * k)
    return type("Twice", (M.autograd.Function,), body)


@pytest.mark.parametrize(
    "methods", [{"vjp": 5.0}, {"backward": 3.0}, {"backward": 3.0, "vjp": 5.0}, {}]
)
def test_function_backward_may_be_named_vjp(methods):
    results = []
    for M in (torch, mg):
        x = M.tensor([1.0, 2.0], requires_grad=True)
        try:
            M.sum(_fn(M, methods).apply(x)).backward()
            results.append(x.grad.tolist())
        except Exception as e:  # noqa: BLE001 - the exception type is what is compared
            results.append(type(e))
    if isinstance(results[0], type):
        assert issubclass(results[1], results[0])
    else:
        assert results[1] == results[0]
