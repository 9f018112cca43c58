"""Runs the model to see whether it fails, so a mix-up surfaces as PyTorch's RuntimeError, not a ValueError."""


def check_same_device(model, x):
    model(x)
    return x.device
