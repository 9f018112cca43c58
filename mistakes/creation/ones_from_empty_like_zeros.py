"""Fills ones with torch.empty plus 1, trusting fresh memory to start at zero."""


def ones(shape):
    return torch.empty(shape) + 1
