"""Assumes every tensor lives on the CPU instead of asking the tensor where it is."""


def device_of(t):
    return torch.device("cpu")
