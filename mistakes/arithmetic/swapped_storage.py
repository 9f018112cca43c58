"""Assigns the sum to x.data, which swaps in new memory instead of writing into x's own."""


def add_in_place(x, y):
    x.data = x + y
    return x
