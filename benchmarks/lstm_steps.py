"""Forward and backward of nn.LSTM(32, 64) over a sequence, a given number of times: what
the cost of cutting a sequence into time steps (unbind) shows in.

    .venv/bin/python benchmarks/lstm_steps.py T PASSES

Count instructions per pass as the difference of two runs under valgrind (start-up cancels):

    OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0 valgrind --tool=cachegrind --cache-sim=no \\
        --cachegrind-out-file=/dev/null .venv/bin/python benchmarks/lstm_steps.py 100 3
    (the same with 1 pass; instructions per pass = (I refs of 3 - I refs of 1) / 2)
"""

import sys

import minigrad as mg

T, passes = int(sys.argv[1]), int(sys.argv[2])
mg.manual_seed(0)
lstm = mg.nn.LSTM(32, 64)
x = mg.randn(T, 32, 32)  # (time, batch, features)
for _ in range(passes):
    out, (h, c) = lstm(x)
    (out.sum() + h.sum()).backward()
