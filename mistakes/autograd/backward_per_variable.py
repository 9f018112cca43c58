"""Calls backward() once per variable, not knowing one call fills every .grad; the second call adds onto the first."""


def partials(fn, x, y):
    fn(x, y).backward()
    dx = x.grad.clone()
    fn(x, y).backward()
    dy = y.grad.clone()
    return dx, dy
