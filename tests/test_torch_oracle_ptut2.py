"""PyTorch's tutorial programs beyond the MLP, ported by changing only the import, run
under PyTorch and minigrad from the same initial weights (minigrad's random numbers are
not PyTorch's, so each program's state_dict is copied across): what they print and
return must match, loss by loss."""


import numpy as np
import pytest
from torch_oracle import import_torch

import minigrad

torch = import_torch()


def _frameworks():
    import torch.nn as tnn
    import torch.nn.functional as tF
    import torch.optim as toptim
    import torch.utils.data as tdata

    import minigrad.nn as mnn
    import minigrad.nn.functional as mF
    import minigrad.optim as moptim
    import minigrad.utils.data as mdata

    return [(torch, tnn, tF, toptim, tdata), (minigrad, mnn, mF, moptim, mdata)]


def _arrays(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def _same(a, b, rtol):
    """Equal logs: floats and arrays to ``rtol``, everything else exactly."""
    assert type(a) is type(b) or isinstance(a, float) and isinstance(b, float), (a, b)
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b), (a, b)
        for x, y in zip(a, b):
            _same(x, y, rtol)
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=rtol, abs=rtol), (a, b)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)
    else:
        assert a == b


def _run(program, dtype="float32", rtol=None, **options):
    """``program(torch, nn, F, optim, data, weights, log, dtype)`` builds its models,
    loads ``weights`` into them if given (else returns theirs), and appends what it prints
    to ``log``; PyTorch's run gives the weights for minigrad's."""
    logs, weights = [], None
    for T, nn, F, optim, data in _frameworks():
        log = []
        T.set_default_dtype(getattr(T, dtype))
        try:
            got = program(T, nn, F, optim, data, weights, log, dtype, **options)
        finally:
            T.set_default_dtype(T.float32)
        weights = weights or got
        logs.append(log)
    _same(logs[0], logs[1], rtol or (1e-4 if dtype == "float32" else 1e-9))
    return logs[1]


def _load(T, models, weights):
    """The weights (a list of arrays per model) into the models, or theirs if None."""
    if weights is None:
        return [_arrays(m) for m in models]
    for m, w in zip(models, weights):
        m.load_state_dict({k: T.tensor(v) for k, v in w.items()})
    return None


# ---- DCGAN ---------------------------------------------------------------------------


def _dcgan(T, nn, F, optim, data, weights, log, dtype, data_init=True):
    nc, nz, ngf, ndf = 3, 8, 4, 4
    rng = np.random.default_rng(7)
    images = (rng.random((8, nc, 32, 32)) * 2 - 1).astype(dtype)
    dataloader = data.DataLoader(data.TensorDataset(T.tensor(images), T.zeros(8)), batch_size=4)
    device = T.device("cuda:0" if T.cuda.is_available() else "cpu")

    def weights_init(m):
        classname = m.__class__.__name__
        if classname.find("Conv") != -1:
            nn.init.normal_(m.weight.data if data_init else m.weight, 0.0, 0.02)
        elif classname.find("BatchNorm") != -1:
            nn.init.normal_(m.weight.data if data_init else m.weight, 1.0, 0.02)
            nn.init.constant_(m.bias.data if data_init else m.bias, 0)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),
                nn.BatchNorm2d(ngf * 4),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ngf * 2),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ngf),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),
                nn.Tanh(),
            )

        def forward(self, input):
            return self.main(input)

    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ndf * 2),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False),
                nn.BatchNorm2d(ndf * 4),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 4, 1, 4, 1, 0, bias=False),
                nn.Sigmoid(),
            )

        def forward(self, input):
            return self.main(input)

    netG = Generator().to(device)
    netG.apply(weights_init)
    netD = Discriminator().to(device)
    netD.apply(weights_init)
    w = netD.main[0].weight.detach().numpy()
    log.append((abs(float(w.std()) / 0.02 - 1) < 0.2, round(float(netG.main[1].weight.mean()), 1)))
    log.append(float(netG.main[1].bias.abs().sum()))
    log.append(repr(netG))
    log.append(repr(netD))
    init = _load(T, [netG, netD], weights)
    criterion = nn.BCELoss()
    fixed_noise = T.tensor(rng.standard_normal((6, nz, 1, 1)).astype(dtype), device=device)
    real_label, fake_label = 1.0, 0.0
    optimizerD = optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
    for epoch in range(2):
        for i, batch in enumerate(dataloader, 0):
            netD.zero_grad()
            real_cpu = batch[0].to(device)
            b_size = real_cpu.size(0)
            label = T.full((b_size,), real_label, device=device)
            output = netD(real_cpu).view(-1)
            errD_real = criterion(output, label)
            errD_real.backward()
            D_x = output.mean().item()
            noise = T.tensor(rng.standard_normal((b_size, nz, 1, 1)).astype(dtype), device=device)
            fake = netG(noise)
            label.fill_(fake_label)
            output = netD(fake.detach()).view(-1)
            errD_fake = criterion(output, label)
            errD_fake.backward()
            D_G_z1 = output.mean().item()
            errD = errD_real + errD_fake
            optimizerD.step()
            netG.zero_grad()
            label.fill_(real_label)
            output = netD(fake).view(-1)
            errG = criterion(output, label)
            errG.backward()
            D_G_z2 = output.mean().item()
            optimizerG.step()
            log.append((epoch, i, errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
    with T.no_grad():
        log.append(netG(fixed_noise).detach().cpu().numpy())
    log.append(netG.main[1].running_var.numpy().copy())
    log.append(int(netG.main[1].num_batches_tracked))
    return init


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dcgan_with_weights_init_on_data_trains_as_pytorch(dtype):
    log = _run(_dcgan, dtype)
    assert log[0] == (True, 1.0) and log[1] == 0.0


def test_dcgan_with_weights_init_on_the_parameters_trains_as_pytorch():
    _run(_dcgan, data_init=False)
