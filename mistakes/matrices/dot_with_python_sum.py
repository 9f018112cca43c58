"""Adds the products with Python's sum, which gives the int 0, not a tensor, for empty vectors."""


def dot(u, v):
    return sum(u * v)
