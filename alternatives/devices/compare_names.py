"""Compares the devices by their names, "cuda:0" against "cuda:1", which tells the same apart."""


def check_same_device(model, x):
    model_device = next(iter(model.parameters())).device
    if str(model_device) != str(x.device):
        raise ValueError(f"the data ({x.device}) and the model ({model_device}) differ")
    return x.device
