"""torch.mul and the comparison function instead of the operators."""

import torch


def scaled(t, factor=3.0):
    return torch.mul(t, factor)


def below(t, limit):
    return bool(torch.lt(t, limit).all())
