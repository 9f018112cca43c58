"""Squeezes with t.squeeze_(), which takes the unit dimensions out of the caller's tensor too."""


def drop_unit_dims(t):
    return t.squeeze_()
