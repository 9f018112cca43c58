"""Checks whether a gradient has been computed yet, which is not whether autograd tracks t."""


def tracks_grad(t):
    return t.grad is not None
