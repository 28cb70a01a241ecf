"""share_memory_(): the mark belongs to the memory, so views see it and copies do not."""

import minigrad as mg


def test_share_memory_marks_the_memory_not_the_tensor():
    x = mg.arange(6.0).reshape(2, 3)
    view, copy = x[:, 1:], x.clone()
    assert not x.is_shared()
    x.share_memory_()
    assert x.is_shared() and view.is_shared() and x.reshape(6).is_shared()
    assert not copy.is_shared() and not (x + 0).is_shared()
