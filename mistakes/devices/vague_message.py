"""Raises ValueError without saying which devices differ, which leaves the reader guessing."""


def check_same_device(model, x):
    model_device = next(model.parameters()).device
    if model_device != x.device:
        raise ValueError("model and data are on different devices")
    return model_device
