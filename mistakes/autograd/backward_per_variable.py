"""Calls backward() per variable; one call fills every .grad, so the second adds onto the first."""


def partials(fn, x, y):
    fn(x, y).backward()
    dx = x.grad.clone()
    fn(x, y).backward()
    dy = y.grad.clone()
    return dx, dy
