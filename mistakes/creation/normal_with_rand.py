"""Mixes up randn (standard normal) and rand (uniform in [0, 1))."""


def normal(shape):
    return torch.rand(shape)
