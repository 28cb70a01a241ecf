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
        assert re.sub(r"Backward\d>", "Backward>", a) == b
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
