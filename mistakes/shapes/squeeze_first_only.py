"""Calls squeeze(0), which removes only a leading dimension of 1, not all of them."""


def drop_unit_dims(t):
    return t.squeeze(0)
