"""Returns the input, thinking a return makes a copy."""


def frozen(t):
    return t
