"""Uses reshape(-1) for a view, not seeing that reshape quietly copies when no view is possible."""


def flat_view(t):
    return t.reshape(-1)
