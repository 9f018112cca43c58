"""Multiplies the vectors entry by entry and forgets to add the products up."""


def dot(u, v):
    return u * v
