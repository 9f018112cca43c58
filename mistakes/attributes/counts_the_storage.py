"""Counts the elements of the memory behind t; a slice shares a bigger block than it shows."""


def num_elements(t):
    return t.untyped_storage().nbytes() // t.element_size()
