"""Compares device types and indices through the nn.Linear weight; any parameter would do."""


def check_same_device(model, x):
    params = list(model.parameters())
    model_device = params[0].device
    if x.device != model_device:
        raise ValueError(f"data on {x.device} cannot meet a model on {model_device}")
    return x.device
