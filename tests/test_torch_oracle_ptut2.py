"""PyTorch's tutorial programs beyond the MLP, ported by changing only the import, run
under PyTorch and minigrad from the same initial weights (minigrad's random numbers are
not PyTorch's, so each program's state_dict is copied across): what they print and
return must match, loss by loss."""

import math
import os
import re
import tempfile

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
    """Equal logs: floats and arrays to ``rtol``, everything else exactly (grad_fn names
    without PyTorch's overload number, as API.md has them)."""
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
    elif isinstance(a, str):
        # printed numbers to the last digit shown: float32 sums may round it either way
        number = r"-?\d+\.\d+(?:e[-+]?\d+)?"
        a = re.sub(r"Backward\d>", "Backward>", a)
        assert re.sub(number, "#", a) == re.sub(number, "#", b), (a, b)
        for x, y in zip(re.findall(number, a), re.findall(number, b)):
            digits = len(x.split(".")[1].split("e")[0])
            assert abs(float(x) - float(y)) <= 10.0**-digits * max(1, abs(float(x))), (a, b)
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


# ---- "Training a Classifier" (CIFAR-10) ----------------------------------------------


def _cifar(T, nn, F, optim, data, weights, log, dtype):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((16, 3, 32, 32)).astype(dtype)
    Y = rng.integers(0, 10, 16)
    trainset = data.TensorDataset(T.tensor(X), T.tensor(Y))
    trainloader = data.DataLoader(trainset, batch_size=4, shuffle=False, num_workers=2)
    testloader = data.DataLoader(trainset, batch_size=4, shuffle=False, num_workers=2)
    classes = ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
    device = T.device("cuda:0" if T.cuda.is_available() else "cpu")

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = T.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x

    net = Net()
    init = _load(T, [net], weights)
    net.to(device)
    log.append(repr(net))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    for epoch in range(2):
        running_loss = 0.0
        for i, batch in enumerate(trainloader, 0):
            inputs, labels = batch[0].to(device), batch[1].to(device)
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
            if i % 2 == 1:
                log.append(f"[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 2:.3f}")
                running_loss = 0.0
    log.append(net.conv1.weight.grad.numpy().copy())
    path = os.path.join(tempfile.mkdtemp(), "cifar_net.pth")
    T.save(net.state_dict(), path)
    images, labels = next(iter(testloader))
    log.append("GroundTruth: " + " ".join(f"{classes[labels[j]]:5s}" for j in range(4)))
    net = Net()
    net.load_state_dict(T.load(path, weights_only=True))
    outputs = net(images)
    _, predicted = T.max(outputs, 1)
    log.append("Predicted: " + " ".join(f"{classes[predicted[j]]:5s}" for j in range(4)))
    correct = 0
    total = 0
    with T.no_grad():
        for images, labels in testloader:
            outputs = net(images)
            _, predicted = T.max(outputs.data, 1)
            total += labels.size(0)
            correct += (predicted == labels).sum().item()
    log.append(f"Accuracy of the network on the 10000 test images: {100 * correct // total} %")
    correct_pred = {classname: 0 for classname in classes}
    total_pred = {classname: 0 for classname in classes}
    with T.no_grad():
        for images, labels in testloader:
            outputs = net(images)
            _, predictions = T.max(outputs, 1)
            for label, prediction in zip(labels, predictions):
                if label == prediction:
                    correct_pred[classes[label]] += 1
                total_pred[classes[label]] += 1
    for classname, correct_count in correct_pred.items():
        if total_pred[classname]:
            accuracy = 100 * float(correct_count) / total_pred[classname]
            log.append(f"Accuracy for class: {classname:5s} is {accuracy:.1f} %")
    return init


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_cifar10_classifier_tutorial_runs_as_pytorch(dtype):
    log = _run(_cifar, dtype)
    assert any(str(line).startswith("Accuracy of the network") for line in log)


# ---- the reproducibility recipe ----------------------------------------------------------


@pytest.mark.parametrize("warn_only", [False, True])
def test_seed_everything_recipe_as_pytorch(warn_only):
    logs = []
    for T in (torch, minigrad):
        log = []
        T.manual_seed(0)
        T.cuda.manual_seed(0)
        T.cuda.manual_seed_all(0)
        T.backends.cudnn.deterministic = True
        T.backends.cudnn.benchmark = False
        try:
            T.use_deterministic_algorithms(True, warn_only=warn_only)
            log.append(T.are_deterministic_algorithms_enabled())
            log.append(T.is_deterministic_algorithms_warn_only_enabled())
            for bad, arg in ((T.use_deterministic_algorithms, 1), (T.cuda.manual_seed, "a")):
                try:
                    bad(arg)
                except Exception as e:
                    log.append(type(e).__name__)
        finally:
            T.use_deterministic_algorithms(False)
            T.backends.cudnn.deterministic = False
        log.append(T.are_deterministic_algorithms_enabled())
        cudnn = T.backends.cudnn
        log += [cudnn.enabled, cudnn.benchmark, cudnn.allow_tf32, cudnn.is_available()]
        log += [cudnn.version(), T.backends.mps.is_available(), T.backends.mps.is_built()]
        log.append(
            "cuda" if T.cuda.is_available() else "mps" if T.backends.mps.is_available() else "cpu"
        )
        logs.append(log)
    assert logs[0] == logs[1]


# ---- "NLP From Scratch: classifying names with a character-level RNN" (2024) ----------

_NAMES = {
    "English": ["Smith", "Jones", "Abbott", "Hale"],
    "French": ["Dubois", "Lefèvre", "Martin"],
    "Greek": ["Papadopoulos", "Nikolaou"],
}


def _char_rnn(T, nn, F, optim, data, weights, log, dtype):
    import string
    import unicodedata

    device = T.device("cpu")
    if T.cuda.is_available():
        device = T.device("cuda")
    T.set_default_device(device)
    log.append(f"Using device = {T.get_default_device()}")
    allowed_characters = string.ascii_letters + " .,;'" + "_"
    n_letters = len(allowed_characters)

    def unicodeToAscii(s):
        return "".join(
            c
            for c in unicodedata.normalize("NFD", s)
            if unicodedata.category(c) != "Mn" and c in allowed_characters
        )

    def letterToIndex(letter):
        if letter not in allowed_characters:
            return allowed_characters.find("_")
        return allowed_characters.find(letter)

    def lineToTensor(line):
        tensor = T.zeros(len(line), 1, n_letters)
        for li, letter in enumerate(line):
            tensor[li][0][letterToIndex(letter)] = 1
        return tensor

    class NamesDataset(data.Dataset):
        def __init__(self):
            self.data, self.data_tensors, self.labels, self.labels_tensors = [], [], [], []
            for label, names in _NAMES.items():
                for name in names:
                    self.data.append(name)
                    self.data_tensors.append(lineToTensor(unicodeToAscii(name)))
                    self.labels.append(label)
            self.labels_uniq = sorted(set(self.labels))
            for idx in range(len(self.labels)):
                temp_tensor = T.tensor([self.labels_uniq.index(self.labels[idx])], dtype=T.long)
                self.labels_tensors.append(temp_tensor)

        def __len__(self):
            return len(self.data)

        def __getitem__(self, idx):
            return (
                self.labels_tensors[idx],
                self.data_tensors[idx],
                self.labels[idx],
                self.data[idx],
            )

    alldata = NamesDataset()
    log.append(f"loaded {len(alldata)} items of data")
    log.append(f"example = {alldata[0]}")
    train_set, test_set = data.random_split(
        alldata, [0.75, 0.25], generator=T.Generator(device=device).manual_seed(2024)
    )
    log.append(f"train examples = {len(train_set)}, validation examples = {len(test_set)}")

    class CharRNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super().__init__()
            self.rnn = nn.RNN(input_size, hidden_size)
            self.h2o = nn.Linear(hidden_size, output_size)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, line_tensor):
            rnn_out, hidden = self.rnn(line_tensor)
            output = self.h2o(hidden[0])
            output = self.softmax(output)
            return output

    rnn = CharRNN(n_letters, 32, len(alldata.labels_uniq))
    init = _load(T, [rnn], weights)
    log.append(repr(rnn))

    def label_from_output(output, output_labels):
        top_n, top_i = output.topk(1)
        label_i = top_i[0].item()
        return output_labels[label_i], label_i

    output = rnn(lineToTensor("Albert"))
    log.append(repr(output))
    log.append(label_from_output(output, alldata.labels_uniq))
    criterion = nn.NLLLoss()
    optimizer = T.optim.SGD(rnn.parameters(), lr=0.2)
    rnn.train()
    for _ in range(3):
        rnn.zero_grad()
        batches = np.array_split(list(range(len(alldata))), len(alldata) // 3)
        current_loss = 0
        for batch in batches:
            batch_loss = 0
            for i in batch:
                (label_tensor, text_tensor, label, text) = alldata[i]
                output = rnn.forward(text_tensor)
                loss = criterion(output, label_tensor)
                batch_loss += loss
            batch_loss.backward()
            log.append(nn.utils.clip_grad_norm_(rnn.parameters(), 3).item())
            optimizer.step()
            optimizer.zero_grad()
            current_loss += batch_loss.item() / len(batch)
        log.append(current_loss / len(batches))
    classes = alldata.labels_uniq
    confusion = T.zeros(len(classes), len(classes))
    rnn.eval()
    with T.no_grad():
        for i in range(len(alldata)):
            (label_tensor, text_tensor, label, text) = alldata[i]
            guess, guess_i = label_from_output(rnn(text_tensor), classes)
            confusion[classes.index(label)][guess_i] += 1
    for i in range(len(classes)):
        denom = confusion[i].sum()
        if denom > 0:
            confusion[i] = confusion[i] / denom
    log.append(repr(confusion))
    T.set_default_device(None)
    return init


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_char_rnn_classification_tutorial_runs_as_pytorch(dtype):
    log = _run(_char_rnn, dtype)
    assert log[0] == "Using device = cpu"


# ---- "Language Translation with nn.Transformer" -----------------------------------------


def _translation(T, nn, F, optim, data, weights, log, dtype):
    pad_sequence = nn.utils.rnn.pad_sequence
    DEVICE = T.device("cuda" if T.cuda.is_available() else "cpu")
    PAD_IDX, BOS_IDX, EOS_IDX = 1, 2, 3

    class PositionalEncoding(nn.Module):
        def __init__(self, emb_size, dropout, maxlen=5000):
            super().__init__()
            den = T.exp(-T.arange(0, emb_size, 2) * math.log(10000) / emb_size)
            pos = T.arange(0, maxlen).reshape(maxlen, 1)
            pos_embedding = T.zeros((maxlen, emb_size))
            pos_embedding[:, 0::2] = T.sin(pos * den)
            pos_embedding[:, 1::2] = T.cos(pos * den)
            pos_embedding = pos_embedding.unsqueeze(-2)
            self.dropout = nn.Dropout(dropout)
            self.register_buffer("pos_embedding", pos_embedding)

        def forward(self, token_embedding):
            return self.dropout(token_embedding + self.pos_embedding[: token_embedding.size(0), :])

    class TokenEmbedding(nn.Module):
        def __init__(self, vocab_size, emb_size):
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, emb_size)
            self.emb_size = emb_size

        def forward(self, tokens):
            return self.embedding(tokens.long()) * math.sqrt(self.emb_size)

    class Seq2SeqTransformer(nn.Module):
        def __init__(self, layers, emb_size, nhead, src_vocab, tgt_vocab, ffn, dropout=0.1):
            super().__init__()
            self.transformer = nn.Transformer(
                d_model=emb_size, nhead=nhead, num_encoder_layers=layers,
                num_decoder_layers=layers, dim_feedforward=ffn, dropout=dropout,
            )  # fmt: skip
            self.generator = nn.Linear(emb_size, tgt_vocab)
            self.src_tok_emb = TokenEmbedding(src_vocab, emb_size)
            self.tgt_tok_emb = TokenEmbedding(tgt_vocab, emb_size)
            self.positional_encoding = PositionalEncoding(emb_size, dropout=dropout)

        def forward(self, src, trg, src_mask, tgt_mask, src_padding_mask, tgt_padding_mask,
                    memory_key_padding_mask):  # fmt: skip
            src_emb = self.positional_encoding(self.src_tok_emb(src))
            tgt_emb = self.positional_encoding(self.tgt_tok_emb(trg))
            outs = self.transformer(src_emb, tgt_emb, src_mask, tgt_mask, None, src_padding_mask,
                                    tgt_padding_mask, memory_key_padding_mask)  # fmt: skip
            return self.generator(outs)

        def encode(self, src, src_mask):
            return self.transformer.encoder(
                self.positional_encoding(self.src_tok_emb(src)), src_mask
            )

        def decode(self, tgt, memory, tgt_mask):
            return self.transformer.decoder(
                self.positional_encoding(self.tgt_tok_emb(tgt)), memory, tgt_mask
            )

    def generate_square_subsequent_mask(sz):
        mask = (T.triu(T.ones((sz, sz), device=DEVICE)) == 1).transpose(0, 1)
        return mask.float().masked_fill(mask == 0, float("-inf")).masked_fill(mask == 1, 0.0)

    def create_mask(src, tgt):
        tgt_mask = generate_square_subsequent_mask(tgt.shape[0])
        src_mask = T.zeros((src.shape[0], src.shape[0]), device=DEVICE).type(T.bool)
        src_padding_mask = (src == PAD_IDX).transpose(0, 1)
        tgt_padding_mask = (tgt == PAD_IDX).transpose(0, 1)
        return src_mask, tgt_mask, src_padding_mask, tgt_padding_mask

    transformer = Seq2SeqTransformer(2, 16, 2, 15, 17, 32, dropout=0.0)
    for p in transformer.parameters():
        if p.dim() > 1:
            nn.init.xavier_uniform_(p)
    init = _load(T, [transformer], weights)
    transformer = transformer.to(DEVICE)
    log.append(repr(transformer))
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_IDX)
    optimizer = optim.Adam(transformer.parameters(), lr=0.0001, betas=(0.9, 0.98), eps=1e-9)
    rng = np.random.default_rng(13)
    pairs = [
        (
            list(rng.integers(4, 15, rng.integers(2, 7))),
            list(rng.integers(4, 17, rng.integers(2, 7))),
        )
        for _ in range(6)
    ]

    def tensor_transform(token_ids):
        return T.cat((T.tensor([BOS_IDX]), T.tensor(token_ids), T.tensor([EOS_IDX])))

    def collate_fn(batch):
        src_batch = [tensor_transform(s) for s, _ in batch]
        tgt_batch = [tensor_transform(t) for _, t in batch]
        return pad_sequence(src_batch, padding_value=PAD_IDX), pad_sequence(
            tgt_batch, padding_value=PAD_IDX
        )

    for epoch in range(1, 3):
        transformer.train()
        losses = 0
        train_dataloader = data.DataLoader(pairs, batch_size=3, collate_fn=collate_fn)
        for src, tgt in train_dataloader:
            src, tgt = src.to(DEVICE), tgt.to(DEVICE)
            tgt_input = tgt[:-1, :]
            src_mask, tgt_mask, src_padding_mask, tgt_padding_mask = create_mask(src, tgt_input)
            logits = transformer(src, tgt_input, src_mask, tgt_mask, src_padding_mask,
                                 tgt_padding_mask, src_padding_mask)  # fmt: skip
            optimizer.zero_grad()
            tgt_out = tgt[1:, :]
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
            loss.backward()
            optimizer.step()
            losses += loss.item()
        log.append(f"Epoch: {epoch}, Train loss: {losses / len(list(train_dataloader)):.3f}")
    log.append(transformer.generator.weight.grad.numpy().copy())

    def greedy_decode(model, src, src_mask, max_len, start_symbol):
        memory = model.encode(src, src_mask)
        ys = T.ones(1, 1).fill_(start_symbol).type(T.long).to(DEVICE)
        for _ in range(max_len - 1):
            tgt_mask = (generate_square_subsequent_mask(ys.size(0)).type(T.bool)).to(DEVICE)
            out = model.decode(ys, memory, tgt_mask)
            out = out.transpose(0, 1)
            prob = model.generator(out[:, -1])
            _, next_word = T.max(prob, dim=1)
            next_word = next_word.item()
            ys = T.cat([ys, T.ones(1, 1).type_as(src.data).fill_(next_word)], dim=0)
            if next_word == EOS_IDX:
                break
        return ys

    transformer.eval()
    src = tensor_transform(pairs[0][0]).view(-1, 1)
    num_tokens = src.shape[0]
    src_mask = (T.zeros(num_tokens, num_tokens)).type(T.bool)
    tgt_tokens = greedy_decode(transformer, src, src_mask, num_tokens + 5, BOS_IDX).flatten()
    log.append(tgt_tokens.tolist())
    return init


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_transformer_translation_tutorial_runs_as_pytorch(dtype):
    log = _run(_translation, dtype)
    assert log[-1][0] == 2 and len(log[-1]) > 1


# ---- "Sequence Models and LSTM Networks": the LSTM part-of-speech tagger ----------------


def _lstm_tagger(T, nn, F, optim, data, weights, log, dtype):
    def prepare_sequence(seq, to_ix):
        return T.tensor([to_ix[w] for w in seq], dtype=T.long)

    training_data = [
        ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
        ("Everybody read that book".split(), ["NN", "V", "DET", "NN"]),
    ]
    word_to_ix = {}
    for sent, _ in training_data:
        for word in sent:
            if word not in word_to_ix:
                word_to_ix[word] = len(word_to_ix)
    tag_to_ix = {"DET": 0, "NN": 1, "V": 2}

    class LSTMTagger(nn.Module):
        def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
            super().__init__()
            self.hidden_dim = hidden_dim
            self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
            self.lstm = nn.LSTM(embedding_dim, hidden_dim)
            self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

        def forward(self, sentence):
            embeds = self.word_embeddings(sentence)
            lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
            tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
            return F.log_softmax(tag_space, dim=1)

    model = LSTMTagger(6, 6, len(word_to_ix), len(tag_to_ix))
    init = _load(T, [model], weights)
    log.append(repr(model))
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    with T.no_grad():
        log.append(repr(model(prepare_sequence(training_data[0][0], word_to_ix))))
    for _ in range(4):
        for sentence, tags in training_data:
            model.zero_grad()
            tag_scores = model(prepare_sequence(sentence, word_to_ix))
            loss = loss_function(tag_scores, prepare_sequence(tags, tag_to_ix))
            loss.backward()
            optimizer.step()
            log.append(loss.item())
    log.append(model.lstm.weight_hh_l0.grad.numpy().copy())
    # the tutorial's opening: one step at a time with a (h, c) tuple, then all at once
    lstm = nn.LSTM(3, 3)
    with T.no_grad():
        for p in lstm.parameters():
            p.fill_(0.1)
    inputs = [T.tensor([[0.1 * i, -0.2, 0.3]]) for i in range(5)]
    hidden = (T.zeros(1, 1, 3), T.ones(1, 1, 3))
    for i in inputs:
        out, hidden = lstm(i.view(1, 1, -1), hidden)
    log.append((out.detach().numpy().copy(), hidden[1].detach().numpy().copy()))
    out, hidden = lstm(T.cat(inputs).view(len(inputs), 1, -1), (T.zeros(1, 1, 3), T.ones(1, 1, 3)))
    log.append((type(hidden).__name__, out.detach().numpy().copy()))
    return init


# ---- "Word Embeddings": the N-gram language model ---------------------------------------


def _ngram(T, nn, F, optim, data, weights, log, dtype):
    test_sentence = """When forty winters shall besiege thy brow,
And dig deep trenches in thy beauty's field,""".split()
    ngrams = [
        ([test_sentence[i - j - 1] for j in range(2)], test_sentence[i])
        for i in range(2, len(test_sentence))
    ]
    vocab = set(test_sentence)
    word_to_ix = {word: i for i, word in enumerate(sorted(vocab))}

    class NGramLanguageModeler(nn.Module):
        def __init__(self, vocab_size, embedding_dim, context_size):
            super().__init__()
            self.embeddings = nn.Embedding(vocab_size, embedding_dim)
            self.linear1 = nn.Linear(context_size * embedding_dim, 128)
            self.linear2 = nn.Linear(128, vocab_size)

        def forward(self, inputs):
            embeds = self.embeddings(inputs).view((1, -1))
            out = F.relu(self.linear1(embeds))
            return F.log_softmax(self.linear2(out), dim=1)

    losses = []
    loss_function = nn.NLLLoss()
    model = NGramLanguageModeler(len(vocab), 10, 2)
    init = _load(T, [model], weights)
    optimizer = optim.SGD(model.parameters(), lr=0.001)
    for _ in range(3):
        total_loss = 0
        for context, target in ngrams:
            context_idxs = T.tensor([word_to_ix[w] for w in context], dtype=T.long)
            model.zero_grad()
            log_probs = model(context_idxs)
            loss = loss_function(log_probs, T.tensor([word_to_ix[target]], dtype=T.long))
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        losses.append(total_loss)
    log.append(losses)
    log.append(model.embeddings.weight[word_to_ix["beauty's"]].detach().numpy().copy())
    return init


# ---- "NLP From Scratch: Translation with a Sequence to Sequence Network and Attention" ---


def _seq2seq(T, nn, F, optim, data, weights, log, dtype):
    device = T.device("cuda" if T.cuda.is_available() else "cpu")
    SOS_token, EOS_token, MAX_LENGTH = 0, 1, 6

    class EncoderRNN(nn.Module):
        def __init__(self, input_size, hidden_size, dropout_p=0.1):
            super().__init__()
            self.embedding = nn.Embedding(input_size, hidden_size)
            self.gru = nn.GRU(hidden_size, hidden_size, batch_first=True)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, input):
            return self.gru(self.dropout(self.embedding(input)))

    class BahdanauAttention(nn.Module):
        def __init__(self, hidden_size):
            super().__init__()
            self.Wa = nn.Linear(hidden_size, hidden_size)
            self.Ua = nn.Linear(hidden_size, hidden_size)
            self.Va = nn.Linear(hidden_size, 1)

        def forward(self, query, keys):
            scores = self.Va(T.tanh(self.Wa(query) + self.Ua(keys)))
            scores = scores.squeeze(2).unsqueeze(1)
            weights = F.softmax(scores, dim=-1)
            return T.bmm(weights, keys), weights

    class AttnDecoderRNN(nn.Module):
        def __init__(self, hidden_size, output_size, dropout_p=0.1):
            super().__init__()
            self.embedding = nn.Embedding(output_size, hidden_size)
            self.attention = BahdanauAttention(hidden_size)
            self.gru = nn.GRU(2 * hidden_size, hidden_size, batch_first=True)
            self.out = nn.Linear(hidden_size, output_size)
            self.dropout = nn.Dropout(dropout_p)

        def forward(self, encoder_outputs, encoder_hidden, target_tensor=None):
            batch_size = encoder_outputs.size(0)
            decoder_input = T.empty(batch_size, 1, dtype=T.long, device=device).fill_(SOS_token)
            decoder_hidden = encoder_hidden
            decoder_outputs, attentions = [], []
            for i in range(MAX_LENGTH):
                decoder_output, decoder_hidden, attn_weights = self.forward_step(
                    decoder_input, decoder_hidden, encoder_outputs
                )
                decoder_outputs.append(decoder_output)
                attentions.append(attn_weights)
                if target_tensor is not None:
                    decoder_input = target_tensor[:, i].unsqueeze(1)  # teacher forcing
                else:
                    _, topi = decoder_output.topk(1)
                    decoder_input = topi.squeeze(-1).detach()
            decoder_outputs = F.log_softmax(T.cat(decoder_outputs, dim=1), dim=-1)
            return decoder_outputs, decoder_hidden, T.cat(attentions, dim=1)

        def forward_step(self, input, hidden, encoder_outputs):
            embedded = self.dropout(self.embedding(input))
            query = hidden.permute(1, 0, 2)
            context, attn_weights = self.attention(query, encoder_outputs)
            output, hidden = self.gru(T.cat((embedded, context), dim=2), hidden)
            return self.out(output), hidden, attn_weights

    encoder = EncoderRNN(11, 16, dropout_p=0.0).to(device)
    decoder = AttnDecoderRNN(16, 13, dropout_p=0.0).to(device)
    init = _load(T, [encoder, decoder], weights)
    log.append(repr(decoder))
    rng = np.random.default_rng(3)
    input_ids = np.zeros((8, MAX_LENGTH), dtype=np.int32)
    target_ids = np.zeros((8, MAX_LENGTH), dtype=np.int32)
    for idx in range(8):
        n = rng.integers(2, MAX_LENGTH)
        input_ids[idx, :n] = [*rng.integers(2, 11, n - 1), EOS_token]
        target_ids[idx, :n] = [*rng.integers(2, 13, n - 1), EOS_token]
    train_data = data.TensorDataset(T.LongTensor(input_ids), T.LongTensor(target_ids))
    train_dataloader = data.DataLoader(
        train_data, sampler=data.SequentialSampler(train_data), batch_size=4
    )
    encoder_optimizer = optim.Adam(encoder.parameters(), lr=0.01)
    decoder_optimizer = optim.Adam(decoder.parameters(), lr=0.01)
    criterion = nn.NLLLoss()
    for _ in range(3):
        total_loss = 0
        for input_tensor, target_tensor in train_dataloader:
            encoder_optimizer.zero_grad()
            decoder_optimizer.zero_grad()
            encoder_outputs, encoder_hidden = encoder(input_tensor)
            decoder_outputs, _, _ = decoder(encoder_outputs, encoder_hidden, target_tensor)
            loss = criterion(
                decoder_outputs.view(-1, decoder_outputs.size(-1)), target_tensor.view(-1)
            )
            loss.backward()
            encoder_optimizer.step()
            decoder_optimizer.step()
            total_loss += loss.item()
        log.append(total_loss / len(train_dataloader))
    log.append(encoder.gru.weight_ih_l0.grad.numpy().copy())
    with T.no_grad():
        input_tensor = T.tensor(input_ids[:1], dtype=T.long, device=device).view(1, -1)
        encoder_outputs, encoder_hidden = encoder(input_tensor)
        decoder_outputs, decoder_hidden, decoder_attn = decoder(encoder_outputs, encoder_hidden)
        _, topi = decoder_outputs.topk(1)
        decoded_ids = topi.squeeze()
        decoded_words = []
        for idx in decoded_ids:
            if idx.item() == EOS_token:
                decoded_words.append("<EOS>")
                break
            decoded_words.append(str(idx.item()))
        log.append(decoded_words)
        log.append(decoder_attn.squeeze().cpu().numpy())
    return init


# ---- "Language Modeling with nn.Transformer" ----------------------------------------------


def _transformer_lm(T, nn, F, optim, data, weights, log, dtype, batch_first=False):
    device = T.device("cuda" if T.cuda.is_available() else "cpu")

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model, dropout=0.1, max_len=5000):
            super().__init__()
            self.dropout = nn.Dropout(p=dropout)
            position = T.arange(max_len).unsqueeze(1)
            div_term = T.exp(T.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
            pe = T.zeros(max_len, 1, d_model)
            pe[:, 0, 0::2] = T.sin(position * div_term)
            pe[:, 0, 1::2] = T.cos(position * div_term)
            self.register_buffer("pe", pe)

        def forward(self, x):
            return self.dropout(x + self.pe[: x.size(0)])

    class TransformerModel(nn.Module):
        def __init__(self, ntoken, d_model, nhead, d_hid, nlayers, dropout=0.5):
            super().__init__()
            self.model_type = "Transformer"
            self.pos_encoder = PositionalEncoding(d_model, dropout)
            encoder_layers = nn.TransformerEncoderLayer(
                d_model, nhead, d_hid, dropout, batch_first=batch_first
            )
            self.transformer_encoder = nn.TransformerEncoder(encoder_layers, nlayers)
            self.embedding = nn.Embedding(ntoken, d_model)
            self.d_model = d_model
            self.linear = nn.Linear(d_model, ntoken)
            self.init_weights()

        def init_weights(self):
            initrange = 0.1
            self.embedding.weight.data[:] = 0.0  # .data written in place, then re-drawn
            nn.init.uniform_(self.embedding.weight.data, -initrange, initrange)
            nn.init.zeros_(self.linear.bias.data)
            nn.init.uniform_(self.linear.weight, -initrange, initrange)

        def forward(self, src, src_mask=None):
            src = self.embedding(src) * math.sqrt(self.d_model)
            if batch_first:
                src = self.pos_encoder(src.transpose(0, 1)).transpose(0, 1)
            else:
                src = self.pos_encoder(src)
            if src_mask is None:
                size = src.size(1) if batch_first else len(src)
                src_mask = nn.Transformer.generate_square_subsequent_mask(size).to(device)
            return self.linear(self.transformer_encoder(src, src_mask))

    rng = np.random.default_rng(5)
    ntokens = 20
    raw = [T.tensor(rng.integers(0, ntokens, k).tolist(), dtype=T.long) for k in (30, 0, 25, 40)]
    corpus = T.cat(tuple(filter(lambda t: t.numel() > 0, raw)))

    def batchify(data, bsz):
        seq_len = data.size(0) // bsz
        data = data[: seq_len * bsz]
        return data.view(bsz, seq_len).t().contiguous().to(device)

    train_data = batchify(corpus, 4)
    val_data = batchify(corpus[:40], 2)
    bptt = 7

    def get_batch(source, i):
        seq_len = min(bptt, len(source) - 1 - i)
        data = source[i : i + seq_len]
        target = source[i + 1 : i + 1 + seq_len]
        if batch_first:
            return data.t(), target.t().reshape(-1)
        return data, target.reshape(-1)

    model = TransformerModel(ntokens, 16, 2, 32, 2, dropout=0.0).to(device)
    log.append(float(model.linear.bias.abs().sum()))
    log.append(float(model.embedding.weight.abs().max()) <= 0.1)
    init = _load(T, [model], weights)
    log.append(repr(model))
    log.append(list(model.state_dict().keys()))
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(model.parameters(), lr=5.0)
    scheduler = optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.95)

    def evaluate(model, eval_data):
        model.eval()
        total_loss = 0.0
        with T.no_grad():
            for i in range(0, eval_data.size(0) - 1, bptt):
                data, targets = get_batch(eval_data, i)
                seq_len = data.size(1) if batch_first else data.size(0)
                output_flat = model(data).view(-1, ntokens)
                total_loss += seq_len * criterion(output_flat, targets).item()
        return total_loss / (len(eval_data) - 1)

    best_val_loss = float("inf")
    with tempfile.TemporaryDirectory() as tempdir:
        best_model_params_path = os.path.join(tempdir, "best_model_params.pt")
        for epoch in range(1, 3):
            model.train()
            total_loss = 0.0
            for batch, i in enumerate(range(0, train_data.size(0) - 1, bptt)):
                data, targets = get_batch(train_data, i)
                output_flat = model(data).view(-1, ntokens)
                loss = criterion(output_flat, targets)
                optimizer.zero_grad()
                loss.backward()
                log.append(nn.utils.clip_grad_norm_(model.parameters(), 0.5).item())
                optimizer.step()
                total_loss += loss.item()
                if batch % 2 == 0 and batch > 0:
                    lr = scheduler.get_last_lr()[0]
                    cur_loss = total_loss / 2
                    log.append((epoch, batch, lr, cur_loss, math.exp(cur_loss)))  # what it prints
                    total_loss = 0
            val_loss = evaluate(model, val_data)
            log.append((epoch, math.exp(val_loss)))
            if val_loss < best_val_loss:
                best_val_loss = val_loss
                T.save(model.state_dict(), best_model_params_path)
            scheduler.step()
        log.append(repr(model.load_state_dict(T.load(best_model_params_path))))
    log.append(evaluate(model, val_data))
    return init


# ---- the VAE of pytorch/examples -----------------------------------------------------------


def _vae(T, nn, F, optim, data, weights, log, dtype):
    rng = np.random.default_rng(11)
    X = rng.random((24, 1, 28, 28)).astype(dtype)
    train_loader = data.DataLoader(
        data.TensorDataset(T.tensor(X), T.zeros(24, dtype=T.long)), batch_size=8
    )
    eps_draws = [rng.standard_normal((8, 20)).astype(dtype) for _ in range(6)]

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 400)
            self.fc21 = nn.Linear(400, 20)
            self.fc22 = nn.Linear(400, 20)
            self.fc3 = nn.Linear(20, 400)
            self.fc4 = nn.Linear(400, 784)

        def encode(self, x):
            h1 = F.relu(self.fc1(x))
            return self.fc21(h1), self.fc22(h1)

        def reparameterize(self, mu, logvar):
            std = T.exp(0.5 * logvar)
            eps = T.randn_like(std)
            log.append((tuple(eps.shape), eps.dtype == std.dtype, eps.requires_grad))
            eps = T.from_numpy(eps_draws.pop())  # the same draw in both frameworks
            return mu + eps * std

        def decode(self, z):
            return T.sigmoid(self.fc4(F.relu(self.fc3(z))))

        def forward(self, x):
            mu, logvar = self.encode(x.view(-1, 784))
            return self.decode(self.reparameterize(mu, logvar)), mu, logvar

    model = VAE()
    init = _load(T, [model], weights)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)

    def loss_function(recon_x, x, mu, logvar):
        BCE = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
        KLD = -0.5 * T.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return BCE + KLD

    for epoch in range(1, 3):
        model.train()
        train_loss = 0
        for batch_idx, (x, _) in enumerate(train_loader):
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(x)
            loss = loss_function(recon_batch, x, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
            log.append((epoch, batch_idx * len(x), len(train_loader.dataset)))
            log.append((100.0 * batch_idx / len(train_loader), loss.item() / len(x)))
        log.append(train_loss / len(train_loader.dataset))
    log.append(model.fc21.weight.grad.numpy().copy())
    model.eval()
    with T.no_grad():
        sample = model.decode(T.from_numpy(rng.standard_normal((4, 20)).astype(dtype)))
        log.append(sample.view(4, 1, 28, 28).numpy())
    return init


# ---- a small torchvision-style ResNet ------------------------------------------------------


def _resnet(T, nn, F, optim, data, weights, log, dtype, zero_init_residual=False):
    class BasicBlock(nn.Module):
        expansion = 1

        def __init__(self, inplanes, planes, stride=1, downsample=None):
            super().__init__()
            self.conv1 = nn.Conv2d(inplanes, planes, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.downsample = downsample

        def forward(self, x):
            identity = x
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            if self.downsample is not None:
                identity = self.downsample(x)
            out += identity
            return self.relu(out)

    class ResNet(nn.Module):
        def __init__(self, block, layers, num_classes=10):
            super().__init__()
            self.inplanes = 8
            self.conv1 = nn.Conv2d(3, 8, kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(8)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(block, 8, layers[0])
            self.layer2 = self._make_layer(block, 16, layers[1], stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(16 * block.expansion, num_classes)
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
            if zero_init_residual:
                for m in self.modules():
                    if isinstance(m, BasicBlock):
                        nn.init.constant_(m.bn2.weight, 0)

        def _make_layer(self, block, planes, blocks, stride=1):
            downsample = None
            if stride != 1 or self.inplanes != planes * block.expansion:
                downsample = nn.Sequential(
                    nn.Conv2d(self.inplanes, planes, 1, stride=stride, bias=False),
                    nn.BatchNorm2d(planes),
                )
            layers = [block(self.inplanes, planes, stride, downsample)]
            self.inplanes = planes * block.expansion
            layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
            return nn.Sequential(*layers)

        def forward(self, x):
            x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
            x = self.layer2(self.layer1(x))
            x = T.flatten(self.avgpool(x), 1)
            return self.fc(x)

    def init_fn(m):
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            nn.init.zeros_(m.bias)

    model = ResNet(BasicBlock, [2, 2])
    log.append(model.apply(init_fn) is model)
    log.append(float(model.fc.bias.abs().sum()))
    log.append(float(model.layer1[0].bn2.weight.sum()))
    init = _load(T, [model], weights)
    log.append(repr(model))
    rng = np.random.default_rng(4)
    X = T.tensor(rng.standard_normal((8, 3, 32, 32)).astype(dtype))
    Y = T.tensor(rng.integers(0, 10, 8))
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    optimizer = optim.SGD(
        model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4, nesterov=True
    )
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=4)
    for _ in range(3):
        model.train()
        optimizer.zero_grad()
        out = model(X)
        loss = criterion(out, Y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        _, predicted = out.max(1)
        log.append((loss.item(), predicted.eq(Y).sum().item(), scheduler.get_last_lr()))
    log.append(model.layer1[0].bn1.running_mean.numpy().copy())
    log.append(model.conv1.weight.grad.numpy().copy())
    log.append(model.layer1[0].bn1.num_batches_tracked.item())
    model.eval()
    with T.no_grad():
        log.append(model(X).numpy())
    return init


# ---- "Generating Names with a Character-Level RNN" --------------------------------------


def _generate_names(T, nn, F, optim, data, weights, log, dtype):
    import string

    all_letters = string.ascii_letters + " .,;'-"
    n_letters = len(all_letters) + 1  # plus EOS
    all_categories = ["Russian", "German", "Spanish"]
    n_categories = len(all_categories)
    category_lines = {
        "Russian": ["Abakov", "Zhukov"],
        "German": ["Muller", "Schmidt"],
        "Spanish": ["Garcia", "Lopez"],
    }

    class RNN(nn.Module):
        def __init__(self, input_size, hidden_size, output_size):
            super().__init__()
            self.hidden_size = hidden_size
            self.i2h = nn.Linear(n_categories + input_size + hidden_size, hidden_size)
            self.i2o = nn.Linear(n_categories + input_size + hidden_size, output_size)
            self.o2o = nn.Linear(hidden_size + output_size, output_size)
            self.dropout = nn.Dropout(0.1)
            self.softmax = nn.LogSoftmax(dim=1)

        def forward(self, category, input, hidden):
            input_combined = T.cat((category, input, hidden), 1)
            hidden = self.i2h(input_combined)
            output = self.i2o(input_combined)
            output = self.o2o(T.cat((hidden, output), 1))
            return self.softmax(self.dropout(output)), hidden

        def initHidden(self):
            return T.zeros(1, self.hidden_size)

    def categoryTensor(category):
        tensor = T.zeros(1, n_categories)
        tensor[0][all_categories.index(category)] = 1
        return tensor

    def inputTensor(line):
        tensor = T.zeros(len(line), 1, n_letters)
        for li in range(len(line)):
            tensor[li][0][all_letters.find(line[li])] = 1
        return tensor

    def targetTensor(line):
        letter_indexes = [all_letters.find(line[li]) for li in range(1, len(line))]
        letter_indexes.append(n_letters - 1)
        return T.LongTensor(letter_indexes)

    criterion = nn.NLLLoss()
    rnn = RNN(n_letters, 32, n_letters)
    init = _load(T, [rnn], weights)
    rnn.eval()  # dropout off, so that both frameworks compute the same

    def train(category_tensor, input_line_tensor, target_line_tensor):
        target_line_tensor.unsqueeze_(-1)
        hidden = rnn.initHidden()
        rnn.zero_grad()
        loss = T.Tensor([0])
        for i in range(input_line_tensor.size(0)):
            output, hidden = rnn(category_tensor, input_line_tensor[i], hidden)
            loss += criterion(output, target_line_tensor[i])
        loss.backward()
        with T.no_grad():
            for p in rnn.parameters():
                p.add_(p.grad, alpha=-0.05)
        log.append(repr(loss))
        return output, loss.item() / input_line_tensor.size(0)

    for it in range(4):
        category = all_categories[it % 3]
        line = category_lines[category][it % 2]
        _, loss = train(categoryTensor(category), inputTensor(line), targetTensor(line))
        log.append(loss)
    log.append(rnn.i2h.weight.grad.numpy().copy())

    def sample(category, start_letter="A"):
        with T.no_grad():
            category_tensor = categoryTensor(category)
            input = inputTensor(start_letter)
            hidden = rnn.initHidden()
            output_name = start_letter
            for _ in range(8):
                output, hidden = rnn(category_tensor, input[0], hidden)
                topv, topi = output.topk(1)
                topi = topi[0][0]
                if topi == n_letters - 1:
                    break
                letter = all_letters[topi]
                output_name += letter
                input = inputTensor(letter)
            return output_name

    log.append([sample("Russian", c) for c in "RUS"])
    return init


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "program", [_lstm_tagger, _ngram, _seq2seq, _vae, _generate_names], ids=lambda p: p.__name__
)
def test_nlp_and_generative_tutorials_run_as_pytorch(program, dtype):
    _run(program, dtype)


@pytest.mark.parametrize(
    "dtype, batch_first", [("float32", False), ("float64", False), ("float32", True)]
)
def test_transformer_language_model_tutorial_runs_as_pytorch(dtype, batch_first):
    log = _run(_transformer_lm, dtype, batch_first=batch_first)
    assert log[:2] == [0.0, True] and log[-2] == "<All keys matched successfully>"


@pytest.mark.parametrize(
    "dtype, zero_init_residual", [("float32", False), ("float64", False), ("float64", True)]
)
def test_resnet_with_kaiming_fan_out_init_trains_as_pytorch(dtype, zero_init_residual):
    log = _run(_resnet, dtype, zero_init_residual=zero_init_residual)
    assert log[:3] == [True, 0.0, 0.0 if zero_init_residual else 8.0]
