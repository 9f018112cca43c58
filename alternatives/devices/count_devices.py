"""Picks CUDA when torch counts at least one CUDA device, the first one by its full name."""


def pick_device():
    return torch.device("cuda:0") if torch.cuda.device_count() > 0 else torch.device("cpu")
