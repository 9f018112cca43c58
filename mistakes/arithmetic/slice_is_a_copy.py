"""Copies with t[:] as for a Python list, but slicing a tensor gives a view of the same memory."""


def frozen_copy(t):
    return t[:]
