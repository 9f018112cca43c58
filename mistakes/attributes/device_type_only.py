"""Rebuilds the device from its type alone, losing the index that tells cuda:0 from cuda:1."""


def device_of(t):
    return torch.device(t.device.type)
