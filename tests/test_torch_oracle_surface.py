# ruff: noqa: E501 - the expressions are data, one per line
"""Tensor semantics against PyTorch, expression by expression.

Each expression is evaluated with ``M`` bound to torch and to minigrad. Both must raise
(minigrad's exception an instance of PyTorch's class), or both must give the same
dtype, shape, values and ``requires_grad`` (numbers, shapes and dtypes compared as
such). Factories, reductions, shapes, indexing, promotion, in-place ops and the
errors of shape mismatches. Runs only where torch is installed.
"""

import warnings

import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad as mg

torch = import_torch()

EXPRESSIONS = [
    "M.arange(5)",
    "M.arange(0., 1., .25)",
    "M.arange(1, 2.5, 0.5)",
    "M.arange(5, dtype=M.float64)",
    "M.linspace(0, 1, 5)",
    "M.linspace(0, 10, 3)",
    "M.full((2, 2), 3)",
    "M.full((2, 2), 3.0)",
    "M.full((2,), True)",
    "M.zeros(2, 3, dtype=M.int64)",
    "M.ones((2, 3))",
    "M.eye(3)",
    "M.eye(2, 3)",
    "M.zeros_like(M.tensor([1, 2]))",
    "M.ones_like(M.tensor([1., 2.]), dtype=M.float64)",
    "M.tensor([1, 2, 3]).sum()",
    "M.tensor([True, False, True]).sum()",
    "M.tensor([[1, 2], [3, 4]]).sum(dim=0)",
    "M.tensor([1., 2., 3.]).mean()",
    "M.tensor([1, 2, 3]).mean()",
    "M.tensor([1.]).var()",
    "M.tensor([1., 2., 4.]).var(unbiased=False)",
    "M.tensor([1., 2., 4.]).std()",
    "M.tensor([[1., 5.], [5., 2.]]).argmax()",
    "M.tensor([[1., 5.], [5., 2.]]).argmax(dim=1)",
    "M.tensor([[1., 5.], [5., 2.]]).argmax(dim=0, keepdim=True)",
    "M.tensor([[1., 5.], [5., 2.]]).max()",
    "M.tensor([[1., 5.], [5., 2.]]).max(dim=1)[0]",
    "M.tensor([[1., 5.], [5., 2.]]).max(dim=1)[1]",
    "M.tensor([[1., 5.], [5., 2.]]).max(dim=1).values",
    "M.tensor([[1., 5.], [5., 2.]]).max(dim=1).indices",
    "M.tensor([[1., 5.], [5., 2.]]).amax(dim=(0, 1))",
    "M.tensor([[1., 5.], [5., 2.]]).min(1, True)[0]",
    "M.tensor([]).max()",
    "M.tensor([1., 2., 3.]).clamp(min=2.5, max=1.5)",
    "M.tensor([1., 2., 3.]).clamp(max=2)",
    "M.tensor([1, 2, 3]).clamp(min=2)",
    "M.tensor([1, 2, 3]).clamp(min=1.5)",
    "M.tensor([[1., 2.]]).squeeze(0)",
    "M.tensor([[1., 2.]]).squeeze(1)",
    "M.tensor([[1., 2.]]).squeeze()",
    "M.tensor([[[1., 2.]]]).squeeze((0, 1))",
    "M.tensor(3.).flatten()",
    "M.tensor(3.).reshape(1, 1)",
    "M.tensor([[1., 2.], [3., 4.]]).flatten(0, 1)",
    "M.tensor([[1., 2.], [3., 4.]]).T",
    "M.tensor([[1., 2.], [3., 4.]]).transpose(0, -1)",
    "M.tensor([[1., 2.], [3., 4.]]).permute(1, 0)",
    "M.tensor([[1., 2.], [3., 4.]]).permute((1, 0))",
    "M.tensor([[1.], [2.]]).expand(-1, 3)",
    "M.tensor([[1.], [2.]]).expand(2, 2, 3)",
    "M.tensor([1., 2.]).unsqueeze(-1)",
    "M.tensor([1., 2.]).unsqueeze(2)",
    "M.tensor([1., 2., 3., 4.]).reshape(-1, 2)",
    "M.tensor([1., 2., 3., 4.]).view(2, -1)",
    "M.tensor([1., 2., 3., 4.]).reshape((2, 2))",
    "M.tensor([1., 2., 3.])[-1]",
    "M.tensor([1., 2., 3.])[None]",
    "M.tensor([[1., 2.], [3., 4.]])[..., 0]",
    "M.tensor([[1., 2.], [3., 4.]])[M.tensor([1, 0, 1])]",
    "M.tensor([[1., 2.], [3., 4.]])[M.tensor([[True, False], [False, True]])]",
    "M.tensor([[1., 2.], [3., 4.]])[[0, 1], [1, 0]]",
    "M.tensor([[1., 2.], [3., 4.]])[:, 1:]",
    "M.tensor([[1., 2.], [3., 4.]])[5]",
    "M.tensor([1, 2]) / M.tensor([2, 4])",
    "M.tensor([7, -7]) // 2",
    "M.tensor([7., -7.]) // 2",
    "M.tensor([7, -7]) % 3",
    "M.tensor([7., -7.]) % -3",
    "M.tensor([1, 2]) ** 2",
    "M.tensor([1, 2]) ** -1",
    "M.tensor([1, 2]) ** 0.5",
    "2 ** M.tensor([1, 2])",
    "M.tensor([2.]) ** M.tensor([3])",
    "M.tensor([1, 2]) * 1.5",
    "M.tensor([1, 2]) + True",
    "M.tensor([True, False]) + M.tensor([True, True])",
    "M.tensor([True, False]) * 2",
    "M.tensor([1., 2.]) < M.tensor([[1.5], [0.5]])",
    "M.tensor([1, 2]) == 1.0",
    "M.tensor([1., float('nan')]) != M.tensor([1., float('nan')])",
    "M.where(M.tensor([True, False]), M.tensor([1., 2.]), 0.)",
    "M.tensor([1., 2.]).where(M.tensor([True, False]), M.tensor([5., 6.]))",
    "M.tensor([1., 2.]).where(M.tensor([True, False]), 0.)",
    "M.arange(6.).reshape(2, 3).T.contiguous().view(6)",
    "M.arange(6.).reshape(2, 3).T.is_contiguous()",
    "M.arange(6.).reshape(2, 3).is_contiguous()",
    "M.tensor(None)",
    "M.tensor([1., None])",
    "M.tensor([{'a': 1}])",
    "M.tensor([2 ** 70])",
    "M.tensor([0, 1, -1, 2, -2, 3]) ** M.tensor([-1, -2, -3, -1, -3, 0])",
    "2 ** M.tensor([-1, 2])",
    "M.tensor(3) ** M.tensor([3, -2, 0])",
    "M.tensor([2]) ** -1",
    "M.tensor([True, False]) ** M.tensor([2, 3])",
    "M.tensor([True, False]) ** M.tensor([True, True])",
    "M.tensor([True, False]) ** True",
    "True ** M.tensor([True, False])",
    "M.tensor([True, False]) // M.tensor([True, True])",
    "M.tensor([True, False]) // 2",
    "M.tensor([True, False]) % True",
    "M.maximum(M.tensor([1., 3.]), 2.)",
    "M.minimum(2, M.tensor([1., 3.]))",
    "M.where(M.tensor([True, False]), M.tensor(1.5, dtype=M.float64), M.tensor([1., 2.]))",
    "M.tensor(2.5).T",
    "M.tensor(True).T",
    "M.zeros(0, 3).argmax()",
    "M.zeros(0, 3).log_softmax(0)",
    "M.zeros(0, 3).softmax(0)",
    "M.zeros(3, 0).softmax(1)",
    "M.nn.functional.cross_entropy(M.tensor([[0.1, 0.2, 0.3, 0.4], [1., -1., 0.5, 0.], [2., 0., 0., 1.]]), M.tensor([0, 1, 2], dtype=M.int32))",
    "M.nn.functional.cross_entropy(M.tensor([[0.1, 0.2, 0.3, 0.4], [1., -1., 0.5, 0.], [2., 0., 0., 1.]]), M.tensor([0., 1., 2.]))",
    "M.nn.functional.cross_entropy(M.tensor([[0.1, 0.2, 0.3, 0.4], [1., -1., 0.5, 0.], [2., 0., 0., 1.]]), M.zeros(3, 4, dtype=M.int64))",
    "M.nn.functional.cross_entropy(M.tensor([[0.1, 0.2, 0.3, 0.4], [1., -1., 0.5, 0.], [2., 0., 0., 1.]]), M.tensor([0, 1]))",
    "M.nn.functional.cross_entropy(M.tensor([[0.1, 0.2, 0.3, 0.4], [1., -1., 0.5, 0.], [2., 0., 0., 1.]]), M.tensor(1))",
    "M.nn.functional.cross_entropy(M.tensor([[0.1, 0.2, 0.3, 0.4], [1., -1., 0.5, 0.], [2., 0., 0., 1.]]), M.zeros(3, 5))",
    "M.nn.functional.nll_loss(M.tensor([[0.1, 0.2, 0.3, 0.4], [1., -1., 0.5, 0.], [2., 0., 0., 1.]]), M.zeros(3, 4, dtype=M.int64))",
    "M.nn.functional.cross_entropy(M.zeros(2, 3, 4), M.zeros(2, 3, dtype=M.int64))",
    "M.nn.functional.cross_entropy(M.tensor([0.5, -1., 2., 0.3]), M.tensor([1, 2]))",
    "M.nn.functional.nll_loss(M.tensor([0.5, -1., 2., 0.3]), M.tensor([2]))",
    "M.nn.functional.mse_loss(M.tensor([1., 2., 3.]), M.tensor([1, 2, 4]))",
    "M.nn.functional.mse_loss(M.tensor([1., 2., 3.]), M.tensor([True, False, True]))",
    "M.nn.functional.mse_loss(M.tensor([1, 2]), M.tensor([1, 3]))",
    "M.nn.functional.mse_loss(M.tensor([1., 2., 3.]), M.tensor([1., 2.]))",
    "M.nn.functional.binary_cross_entropy(M.tensor([0.2, 0.7]), M.tensor([0, 1]))",
    "M.nn.functional.binary_cross_entropy(M.tensor([0.2, 0.7]), M.tensor([0., 1.], dtype=M.float64))",
    "M.nn.functional.binary_cross_entropy_with_logits(M.tensor([0.2, 0.7]), M.tensor([0, 1]))",
    "M.nn.functional.binary_cross_entropy_with_logits(M.tensor([0.2, 0.7]), M.tensor([0., 1.], dtype=M.float64))",
    "M.tensor([1., 2., 3.]).lt(2)",
    "M.tensor([1., 2., 3.]).le(M.tensor([0., 2., 5.]))",
    "M.tensor([1., 2., 3.]).gt(2)",
    "M.tensor([1, 2, 3]).ge(2)",
    "M.tensor([1., 2., 3.]).eq(2)",
    "M.tensor([1., 2., 3.]).ne(M.tensor(2.))",
    "M.where(M.tensor([True, False]), 1., 0.)",
    "M.where(M.tensor([True, False]), M.tensor([1, 2]), 0.5)",
    "M.maximum(M.tensor([1., float('nan')]), M.tensor([2., 1.]))",
    "M.minimum(M.tensor([1, 5]), M.tensor([2., 1.]))",
    "M.cat([M.tensor([1, 2]), M.tensor([1.5])])",
    "M.cat([M.tensor([[1., 2.]]), M.tensor([[3., 4.]])], dim=1)",
    "M.cat([M.tensor([[1., 2.]]), M.tensor([[3.]])])",
    "M.stack([M.tensor([1., 2.]), M.tensor([3., 4.])], dim=1)",
    "M.stack([M.tensor([1., 2.]), M.tensor([3.])])",
    "M.stack([M.tensor([1., 2.]), M.tensor([3., 4.])], dim=-1)",
    "M.tensor([1.7, -1.7]).long()",
    "M.tensor([1.7, 0.]).bool()",
    "M.tensor([1, 0]).float()",
    "M.tensor([1, 0]).double()",
    "M.tensor([1.5]).to(M.int64)",
    "M.tensor([[1., 2.]]).size()",
    "M.tensor([[1., 2.]]).size(1)",
    "M.tensor([[1., 2.]]).size(-1)",
    "M.tensor([[1., 2.]]).numel()",
    "M.tensor([[1., 2.]]).shape",
    "M.tensor(2.5).item()",
    "M.tensor([3]).item()",
    "M.tensor([1, 2]).item()",
    "M.tensor([[1, 2]]).tolist()",
    "M.tensor([1., 2.]) @ M.tensor([3., 4.])",
    "M.tensor([[1., 2.]]) @ M.tensor([3., 4.])",
    "M.tensor([1., 2.]) @ M.tensor([[1., 2.], [3., 4.]])",
    "M.ones(2, 1, 2, 3) @ M.ones(4, 3, 5)",
    "M.tensor([1., 2.]) @ M.tensor([1., 2., 3.])",
    "M.tensor([1, 2]) @ M.tensor([3, 4])",
    "M.tensor([1, 2]) @ M.tensor([3., 4.])",
    "M.tensor([-1., 0., 1.]).abs()",
    "M.tensor([-1, 0, 1]).abs()",
    "M.tensor([-1, 0, 1]).exp()",
    "M.tensor([1, 4]).sqrt()",
    "M.tensor([True, False]).exp()",
    "M.tensor([-1., 0., 1.]).relu()",
    "M.tensor([-1, 0, 1]).relu()",
    "M.tensor([-1, 0, 1]).sigmoid()",
    "M.tensor([[1., 2.], [3., 4.]]).softmax(dim=1)",
    "M.tensor([[1., 2.], [3., 4.]]).log_softmax(-1)",
    "-M.tensor([1, 2])",
    "-M.tensor([True])",
    "M.tensor([1., 2.]).sum(dim=(0,), keepdim=True)",
    "M.tensor([[1., 2.]]).sum(dim=-1)",
    "M.tensor([[1., 2.]]).mean(dim=[0, 1])",
    "M.tensor([[1., 2.]]).sum(2)",
    "M.tensor([[1, 2]]).argmin()",
    "M.tensor(5.).sum(0)",
    "M.tensor(5.).argmax(0)",
    "M.tensor(5.).unsqueeze(0)",
    "M.tensor(5.)[None]",
    "M.tensor([[1., 2.], [3., 4.]]).std(dim=0)",
    "M.tensor([[1., 2.], [3., 4.]]).var(1, keepdim=True)",
    "M.tensor([2., 3.]).clone()",
    "M.tensor([2., 3.]).detach()",
    "M.randint(0, 5, (3,)).dtype",
    "M.randperm(4).dtype",
    "M.rand(2).dtype",
    "M.randn(2, 3).shape",
    "M.tensor([[1., 2.]]).ndim",
    "M.tensor([1., 2.]).dim()",
    "M.tensor([1, 2]).dtype",
    "M.tensor([1., 2.]).is_leaf",
    "M.tensor([0.5]).requires_grad",
    "M.tensor([1., 2.]).pow(2)",
    "M.tensor([1., 2.]).add(1, alpha=2)",
    "M.tensor([1., 2.]).sub(M.tensor([1., 1.]), alpha=3)",
    "M.tensor([1., 2.]).mul(2)",
    "M.tensor([1., 2.]).div(2)",
    "M.tensor([1., 2.]).div(M.tensor([2., 0.]), rounding_mode='floor')",
    "M.tensor([-3.5, 3.5]).div(2, rounding_mode='trunc')",
    "M.tensor([1., 2.]).matmul(M.tensor([1., 1.]))",
    "M.add(M.tensor([1.]), 2)",
    "M.sum(M.tensor([1., 2.]))",
    "M.mean(M.tensor([1., 2.]), dim=0)",
    "M.exp(M.tensor([0.]))",
    "M.tensor([1., 2.]).add_(1)",
    "M.tensor([1., 2.]).mul_(M.tensor([2.]))",
    "M.tensor([1, 2]).add_(1.5)",
    "M.tensor([1., 2.]).add_(M.tensor([[1.], [2.]]))",
    "M.tensor([1., 2.]).clamp_(0, 1.5)",
    "M.tensor([1., 2.]).zero_()",
    "M.tensor([1., 2.]).fill_(3)",
    "M.tensor([1., 2.]).copy_(M.tensor([5, 6]))",
    "M.tensor([1., 2.]).copy_(M.tensor([5.]))",
    "M.tensor([1., 2.]).div_(2)",
    "M.tensor([1, 2]).div_(2)",
    "M.tensor([1, 2]).sub_(1)",
    "M.tensor([[1., 2.]]).expand(3, 2).sum(0)",
    "M.tensor([1., 2., 3.]).reshape(2, 2)",
    "M.tensor([1., 2., 3.]).view(-1, -1)",
    "M.tensor([[1., 2.]]).transpose(0, 2)",
    "M.tensor([[1., 2.]]).permute(0)",
    "M.tensor([[1., 2.]]).expand(3)",
    "M.tensor([[1., 2.]]).expand(3, 3)",
    "M.tensor([1., 2.]) + M.tensor([1., 2., 3.])",
    "M.tensor([[1, 2], [3]])",
    "M.tensor([1., 2.]).unsqueeze(-3)",
    "M.tensor([1., 2.]).flatten(1)",
    "M.tensor([1., 2.]).squeeze(3)",
    "M.tensor([[1., 2.]]).max(dim=(0, 1))",
    "M.tensor([[1., 2.]]).amax(dim=(0, 0))",
    "M.tensor([1., 2.]).sum(dim=1)",
    "M.nn.functional.softmax(M.tensor([[1., 2.]]), dim=1)",
    "M.tensor([1, 2]).to(M.float32).requires_grad_()",
    "M.tensor([1, 2], requires_grad=True)",
    "M.tensor([1., 2.], dtype=M.int64)",
    "M.tensor([1.9, -1.9], dtype=M.int64)",
    "M.tensor(np.float64(1.5))",
    "M.tensor(np.float32(1.5)).dtype",
    "M.tensor([np.float64(1.5), 2.0]).dtype",
    "M.tensor(np.array([1, 2], dtype=np.int32)).dtype",
    "M.tensor(np.array([1, 2], dtype=np.int32)) + M.tensor([1, 2])",
    "M.tensor(np.array([1, 2], dtype=np.uint8)).sum().dtype",
    "M.tensor(np.array([1., 2.], dtype=np.float16)) * 2",
    "M.tensor([2.]).log() * M.tensor([0])",
    "len(M.ones(3, 2))",
    "[r.tolist() for r in M.tensor([[1., 2.], [3., 4.]])]",
    "bool(M.tensor([1.]))",
    "bool(M.tensor([1., 2.]))",
    "float(M.tensor([2.5]))",
    "int(M.tensor([3]))",
    "int(M.tensor(3.7))",
    "M.ones(2)[M.tensor(1)]",
    "M.ones(3)[M.tensor([True, False, True])]",
    "M.arange(6.).reshape(2, 3)[:, [0, 2]]",
    "M.arange(6.).reshape(2, 3)[[0, 1]]",
    "M.arange(6.).reshape(2, 3)[-1, -1]",
    "M.arange(6.).reshape(2, 3)[0][1]",
    "M.arange(6.).reshape(2, 3)[M.arange(6.).reshape(2, 3) > 2]",
    "M.arange(6.).reshape(2, 3)[1:, None, ::2]",
    "M.arange(6.).reshape(2, 3)[2]",
    "M.arange(6.).reshape(2, 3)[:, 3]",
    "M.arange(6.).reshape(2, 3)[0, 0, 0]",
    "M.arange(6.).reshape(2, 3).T.sum(0)",
    "M.arange(24.).reshape(2, 3, 4).transpose(0, 2).shape",
    "M.arange(4.).T",
    "M.arange(6.).reshape(2, 3).mT",
    "M.tensor([[1., 2.]]).expand(2, -1)",
    "M.tensor(2.).expand(3)",
    "M.tensor([1., 2.]).unsqueeze(0).expand(3, 2).sum(0)",
    "M.tensor([[1., 2.], [3., 4.]]).max(dim=1, keepdim=True)[0]",
    "M.tensor([[1., 2.], [3., 4.]]).min(dim=-1)[1]",
    "M.tensor([[2., 2.], [3., 3.]]).argmax(dim=1)",
    "M.tensor([[2., 2.], [3., 3.]]).argmin()",
    "M.tensor([1., float('nan'), 3.]).max()",
    "M.tensor([1., float('nan'), 3.]).argmax()",
    "M.tensor([1., float('nan'), 3.]).amax()",
    "M.tensor([1., float('nan')]).sum()",
    "M.tensor([[1., 2.], [3., 4.]]).var(dim=(0, 1))",
    "M.tensor([[1., 2.], [3., 4.]]).std(0, unbiased=False)",
    "M.tensor([[1., 2.], [3., 4.]]).std(dim=1, keepdim=True)",
    "M.tensor([[1., 2.], [3., 4.]]).mean((0,), True)",
    "M.tensor([[1., 2.], [3., 4.]]).sum(-2, keepdim=True)",
    "M.tensor([[1., 2.], [3., 4.]]).sum(())",
    "M.tensor([]).sum()",
    "M.tensor([]).mean()",
    "M.ones(0, 3).sum(0)",
    "M.ones(0, 3).amax(1)",
    "M.ones(0, 3).amax(0)",
    "M.ones(2, 3).var(dim=0)",
    "M.tensor([5.]).std()",
    "M.tensor(1.).var()",
    "M.tensor([1., 2.]).clamp(0)",
    "M.tensor([1., 2.]).clamp(None, 1)",
    "M.tensor([1., 2.]).clamp()",
    "M.clamp(M.tensor([1., 5.]), min=2, max=4)",
    "M.tensor([1, 5]).clamp(2.5, 4)",
    "M.tensor([-2., 0., 2.]).sigmoid()",
    "M.tensor([-2, 0, 2]).tanh()",
    "M.tensor([0, 1]).log()",
    "M.tensor([-1., 0.]).sqrt()",
    "M.tensor([-1., 0.]).log()",
    "M.tensor([1., 2.]) / 0",
    "M.tensor([1, 2]) / 0",
    "M.tensor([1, 0]) // 0",
    "M.tensor([0., 0.]) ** 0",
    "M.tensor([0.]) ** M.tensor([0.])",
    "M.tensor([-8.]) ** (1/3)",
    "M.tensor([2, 3]) ** M.tensor([2., 0.5])",
    "M.tensor([True]) ** 2",
    "3 - M.tensor([1, 2])",
    "3.5 - M.tensor([1, 2])",
    "1 / M.tensor([1, 2])",
    "M.tensor([1., 2.]).reshape(1, 2) + M.tensor([[1.], [2.], [3.]])",
    "M.tensor([1., 2.], dtype=M.float64) + M.tensor([1., 2.])",
    "M.tensor([1., 2.], dtype=M.float64) + M.tensor(1.)",
    "M.tensor([1, 2]) + M.tensor(1.5)",
    "M.tensor([1, 2]) + M.tensor(1.5, dtype=M.float64)",
    "M.tensor([1., 2.]) + M.tensor(1, dtype=M.float64)",
    "M.tensor(1., dtype=M.float64) + M.tensor(2.)",
    "M.tensor([True]) + 1.5",
    "M.tensor([1, 2]) * True",
    "M.tensor([1., 2.]) + np.float64(1.0)",
    "M.tensor([1, 2]) + np.float32(1.5)",
    "M.tensor([1., 2.]) + np.array([1., 2.])",
    "M.tensor([1, 2]) < 1.5",
    "M.tensor([1., 2.]) == M.tensor([1, 2])",
    "M.tensor([1., 2.]) > M.tensor([[0.], [3.]])",
    "M.where(M.tensor([1., -1.]) > 0, M.tensor([1., 2.]), M.tensor([[5.], [6.]]))",
    "M.where(M.tensor([True, False]), M.tensor([1.], dtype=M.float64), M.tensor([2.]))",
    "M.maximum(M.tensor([1, 2]), M.tensor([1.5]))",
    "M.minimum(M.tensor([1., 3.]), M.tensor([[2.], [0.]]))",
    "M.stack([M.tensor(1.), M.tensor(2.)])",
    "M.stack([M.tensor([1, 2]), M.tensor([1.5, 2.5])])",
    "M.stack((M.ones(2), M.ones(2)), 2)",
    "M.stack([M.ones(2, 3), M.ones(2, 3)], dim=-3).shape",
    "M.cat([M.ones(2), M.ones(0)])",
    "M.cat((M.ones(2, 1), M.ones(2, 2)), -1)",
    "M.cat([M.ones(2, 1), M.ones(2, 2)], 2)",
    "M.cat([M.tensor(1.), M.tensor(2.)])",
    "M.cat([])",
    "M.zeros(2, 3).dtype",
    "M.zeros((2, 3), dtype=M.float64)",
    "M.zeros([2, 3]).shape",
    "M.ones(0)",
    "M.ones(-1)",
    "M.full((2,), 1.5, dtype=M.float64)",
    "M.full([2], 2, dtype=M.float32)",
    "M.arange(0, 1, 0.3)",
    "M.arange(5, 1, -2)",
    "M.arange(1, 4).dtype",
    "M.arange(0., 5).dtype",
    "M.arange(10, dtype=M.float64)[-1]",
    "M.linspace(0, 1, 1)",
    "M.linspace(-1, 1, steps=4)",
    "M.linspace(0, 1, 3, dtype=M.float64)",
    "M.eye(2, dtype=M.int64)",
    "M.zeros_like(M.ones(2, dtype=M.float64))",
    "M.ones_like(M.ones(2), requires_grad=True)",
    "M.randn(3, requires_grad=True).requires_grad",
    "M.randint(3, 10, (2, 2)).shape",
    "M.randint(10, (3,)).shape",
    "M.rand(2, 3, dtype=M.float64).dtype",
    "M.tensor([1., 2.]).to(M.float64).dtype",
    "M.tensor([1., 2.], requires_grad=True).detach().requires_grad",
    "M.tensor([1., 2.], requires_grad=True).clone().requires_grad",
    "M.tensor([1., 2.], requires_grad=True).clone().is_leaf",
    "M.tensor([1., 2.], requires_grad=True).float().is_leaf",
    "M.tensor([1., 2.], requires_grad=True).double().requires_grad",
    "M.tensor([1., 2.], requires_grad=True).long()",
    "M.tensor([1., 2.], requires_grad=True).sum().item()",
    "M.tensor([1., 2.], requires_grad=True).numpy()",
    "M.tensor([1., 2.], requires_grad=True).tolist()",
    "M.tensor([[1., 2.]], requires_grad=True)[0].is_leaf",
    "M.tensor([1., 2.], requires_grad=True).add_(1)",
    "M.tensor([1., 2.], requires_grad=True) * M.tensor(2)",
    "(M.tensor([1., 2.], requires_grad=True) > 1).requires_grad",
    "M.tensor([1., 2.], requires_grad=True).argmax().requires_grad",
    "M.tensor([1., 2.], requires_grad=True).max(0)[1].requires_grad",
    "M.tensor([1, 2]).requires_grad_()",
    "M.tensor([1., 2.]).size(2)",
    "M.tensor([1., 2.]).view(1, 2).size()",
    "M.tensor([1., 2.]).numel()",
    "M.tensor(5).numel()",
    "M.tensor(M.tensor([1., 2.], requires_grad=True))",
    "M.tensor([M.tensor(1.), M.tensor(2.)])",
    "M.tensor([[1, 2], [3, 4.5]])",
    "M.tensor(True)",
    "M.tensor(3)",
    "M.tensor(2**40)",
    "M.tensor([1, 2], dtype=M.float32)",
    "M.tensor([])",
    "M.tensor([[]])",
    "M.zeros(())",
    "M.ones(2, 0)",
    "M.arange(-1.5, 1.5, 0.5)",
    "M.full((2,), 1, dtype=M.bool)",
    "M.from_numpy(np.array([1., 2.]))",
    "M.from_numpy(np.array([1, 2], dtype=np.int32))",
    "M.tensor(np.array(5.0))",
    "M.tensor([np.float32(1.5), 2])",
    "M.tensor([1, True])",
    "M.tensor([1.5, True])",
    "M.tensor([[1., 2.], [3.]])",
    "M.tensor([1., 2.], requires_grad=True).dtype",
    "M.tensor([1, 2], requires_grad=True)",
    "M.tensor([1., 2.], dtype=M.int64, requires_grad=True)",
    "M.zeros(2, requires_grad=True).requires_grad",
    "M.zeros(2, dtype=M.int64, requires_grad=True)",
    "M.arange(3, requires_grad=True)",
    "M.arange(3.0, requires_grad=True).requires_grad",
    "M.eye(2, requires_grad=True).is_leaf",
    "M.randn(2, dtype=M.float64).dtype",
    "M.rand(0).shape",
    "M.randint(0, 2, (2,), dtype=M.float32).dtype",
    "M.linspace(0, 1, 0)",
    "M.linspace(1, 0, 3)",
    "M.full((), 2.5)",
    "M.full((2, 2), float('nan'))",
    "M.ones_like(M.tensor([1, 2]))",
    "M.zeros_like(M.tensor([True]))",
]


def _run(expr, module):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return eval(expr, {"M": module, "np": np}), None
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return None, e


def _plain(value):
    """A comparable form: tensors as (dtype, shape, values, requires_grad)."""
    if isinstance(value, (torch.Tensor, mg.Tensor)):
        arr = value.detach().numpy() if isinstance(value, torch.Tensor) else value.data
        values = arr if arr.dtype == bool else arr.astype(np.float64)
        dtype = str(value.dtype).replace("torch.", "")
        return ("tensor", dtype, tuple(value.shape), values, value.requires_grad)
    if isinstance(value, (torch.dtype, np.dtype)):
        return ("dtype", str(value).replace("torch.", ""))
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # (values, indices)
        return tuple(_plain(v) for v in value)
    if isinstance(value, (tuple, list)):
        return (type(value).__name__ if not isinstance(value, tuple) else "tuple",
                [_plain(v) for v in value])  # fmt: skip
    return ("value", value)


def _assert_same(a, b, expr):
    if isinstance(a, tuple) and a and a[0] == "tensor":
        assert b[0] == "tensor", expr
        assert a[1:3] == b[1:3] and a[4] == b[4], f"{expr}: torch {a}, minigrad {b}"
        np.testing.assert_allclose(b[3], a[3], rtol=1e-6, err_msg=expr)
    elif isinstance(a, tuple) and a and isinstance(a[0], tuple):
        for x, y in zip(a, b, strict=True):
            _assert_same(x, y, expr)
    elif isinstance(a, tuple) and a and a[0] in ("list", "tuple"):
        assert len(a[1]) == len(b[1]), expr
        for x, y in zip(a[1], b[1]):
            _assert_same(x, y, expr)
    else:
        assert a == b, f"{expr}: torch {a}, minigrad {b}"


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_expression_matches_pytorch(expr):
    expected, t_err = _run(expr, torch)
    got, m_err = _run(expr, mg)
    if t_err is not None:
        assert m_err is not None, f"{expr}: PyTorch raises {t_err!r}, minigrad gives {got!r}"
        assert isinstance(m_err, type(t_err)), f"{expr}: {m_err!r} is not a {type(t_err)}"
        return
    assert m_err is None, f"{expr}: minigrad raises {m_err!r}, PyTorch gives {expected!r}"
    _assert_same(_plain(expected), _plain(got), expr)


INDEXES = [
    "[1, :, I]", "[1, I]", "[I, 1]", "[:, 1, I]", "[I, :, 1]", "[None, I]", "[I, None]",
    "[1, None, I]", "[..., 1, I]", "[I, ..., 1]", "[1, I, J]", "[I, :, J]", "[1, :, I, J]",
    "[1, I, :, J]", "[1, M]", "[1, :, M2]", "[0, I2]", "[1, 2, I]", "[-1, :, :, I]",
    "[None, 1, None, I]", "[1, ::2, I]", "[I, 1:, J]", "[1, [0, 2], :, [1, 1]]",
]  # fmt: skip


@pytest.mark.parametrize("index", INDEXES)
def test_mixed_int_and_tensor_indexing_matches_pytorch(index):
    """PyTorch applies ints before tensor indices, which fixes where the result's dims go."""
    x = np.arange(120.0).reshape(2, 3, 4, 5)
    results = []
    for lib in (torch, mg):
        env = {
            "I": lib.tensor([1, 0]), "J": lib.tensor([1, 3]), "M": lib.tensor([True, False, True]),
            "M2": lib.tensor(np.ones((4, 5), bool)), "I2": lib.tensor([[0, 1], [2, 1]]),
            "t": lib.tensor(x, requires_grad=True),
        }  # fmt: skip
        out = eval("t" + index, env)
        out.backward(lib.tensor(np.arange(float(out.numel())).reshape(tuple(out.shape))))
        results.append((out.detach().numpy(), env["t"].grad.detach().numpy()))
    (t_out, t_grad), (m_out, m_grad) = results
    assert m_out.shape == t_out.shape
    np.testing.assert_array_equal(m_out, t_out)
    np.testing.assert_array_equal(m_grad, t_grad)


DTYPE_DATA = {
    "int64": [[1, -2], [3, 0]],
    "bool": [[True, False], [True, True]],
    "float32": [[1.5, -2.0], [0.0, 4.0]],
    "float64": [[1.5, -2.0], [0.0, 4.0]],
}
METHODS = [
    "exp()", "log()", "sqrt()", "abs()", "sin()", "cos()", "relu()", "sigmoid()", "tanh()",
    "sum()", "mean()", "var()", "std()", "amax()", "amin()", "max()", "min()", "argmax()",
    "argmin()", "clamp(0, 1)", "clamp(min=0.5)", "softmax(0)", "log_softmax(0)", "neg()",
    "clone()", "float()", "long()", "bool()", "double()", "flatten()", "sum(0)", "mean(0)",
    "max(0)[0]", "max(0)[1]", "amax(0)",
]  # fmt: skip


@pytest.mark.parametrize("dtype", list(DTYPE_DATA))
@pytest.mark.parametrize("method", METHODS)
def test_method_accepts_or_refuses_each_dtype_as_pytorch(method, dtype):
    expr = f"M.tensor({DTYPE_DATA[dtype]!r}, dtype=M.{dtype}).{method}"
    expected, t_err = _run(expr, torch)
    got, m_err = _run(expr, mg)
    if t_err is not None:
        assert isinstance(m_err, type(t_err)), (
            f"{expr}: PyTorch raises {t_err!r}, minigrad {m_err!r}"
        )
        return
    assert m_err is None, f"{expr}: minigrad raises {m_err!r}"
    _assert_same(_plain(expected), _plain(got), expr)
