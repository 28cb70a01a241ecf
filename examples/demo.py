"""A first look at minigrad: train a tiny model and watch its loss fall."""

import minigrad as mg

mg.manual_seed(0)
x = mg.randn(256, 2)
y = ((x[:, 0] * x[:, 1]) > 0).float().reshape(-1, 1)  # XOR of the signs

w1 = mg.randn(2, 16, requires_grad=True)
b1 = mg.zeros(16, requires_grad=True)
w2 = (mg.randn(16, 1) * 0.25).requires_grad_()
b2 = mg.zeros(1, requires_grad=True)

for step in range(301):
    p = ((x @ w1 + b1).relu() @ w2 + b2).sigmoid()
    loss = -(y * p.clamp(1e-7, 1).log() + (1 - y) * (1 - p).clamp(1e-7, 1).log()).mean()
    loss.backward()
    with mg.no_grad():
        for t in (w1, b1, w2, b2):
            t -= 0.5 * t.grad
            t.grad = None
    if step % 50 == 0:
        acc = ((p > 0.5).float() == y).float().mean().item()
        print(f"step {step:3d}  loss {loss.item():.4f}  accuracy {acc:.2%}")
