"""PyTorch tutorial programs, ported by changing the import, checked without PyTorch."""



import minigrad as torch


def test_device_selection_of_build_the_neural_network():
    # "Build the Neural Network": the device line, as the tutorial writes it
    device = (
        torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
    )
    assert device == "cpu"
    assert torch.accelerator.device_count() == 0
    assert torch.accelerator.current_accelerator() is None
    older = (
        "cuda"
        if torch.cuda.is_available()
        else "mps"
        if torch.backends.mps.is_available()
        else "cpu"
    )
    assert older == "cpu" and not torch.backends.mps.is_built()
    x = torch.ones(2, 3, device=device)
    assert x.device.type == "cpu"
