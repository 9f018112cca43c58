"""Multiplies by the reciprocal: rounded twice, so some quotients are one bit off."""


def elementwise(x, y):
    return x + y, x - y, x * y, x * y.reciprocal()
