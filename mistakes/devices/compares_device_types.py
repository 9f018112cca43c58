"""Compares only the device types, so a model on cuda:0 and data on cuda:1 look alike."""


def check_same_device(model, x):
    model_device = next(model.parameters()).device
    if model_device.type != x.device.type:
        raise ValueError(f"model is on {model_device} but the data is on {x.device}")
    return model_device
