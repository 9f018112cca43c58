"""Writes x = x + y, which makes a new tensor and rebinds a local name, where add_ was asked for."""


def add_in_place(x, y):
    x = x + y
    return x
