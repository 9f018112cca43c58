"""Runs the model to see if it fails: a mix-up shows as PyTorch's RuntimeError, not ValueError."""


def check_same_device(model, x):
    model(x)
    return x.device
