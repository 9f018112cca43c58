"""Mixes up rand (uniform in [0, 1)) and randn (standard normal)."""


def uniform(shape):
    return torch.randn(shape)
