"""Divides integer tensors with //, expecting whole-number division, where x / y gives floats."""


def elementwise(x, y):
    return x + y, x - y, x * y, x // y
