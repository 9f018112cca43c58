"""Uses x += y for a new sum, not seeing that it overwrites the caller's x."""


def add_out_of_place(x, y):
    x += y
    return x
