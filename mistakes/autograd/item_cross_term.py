"""Builds the cross term 2xy from .item() numbers, so autograd treats it as a constant."""


def exercise3(x, y):
    return x**2 + y**2 + 2 * x.item() * y.item()
