"""Transposes with m.t_(), which turns the caller's own matrix around instead of a new view."""


def transpose(m):
    return m.t_()
