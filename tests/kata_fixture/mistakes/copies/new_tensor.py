"""Returns a new doubled tensor instead of changing t."""


def doubled(t):
    return t * 2
