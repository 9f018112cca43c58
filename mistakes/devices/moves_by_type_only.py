"""Moves to device.type, dropping the index, so cuda:1 becomes whichever GPU is current."""


def to_device(t, device):
    return t.to(device.type)
