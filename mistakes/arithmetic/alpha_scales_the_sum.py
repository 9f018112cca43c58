"""Scales the whole sum by alpha, where torch.add's alpha scales only the second argument."""


def add_scaled(x, y, alpha):
    return (x + y) * alpha
