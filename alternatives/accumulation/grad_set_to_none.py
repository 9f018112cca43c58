"""Resets with x.grad = None, so each backward() makes a fresh tensor; clears it at the end too."""


def separate_grads(x, fns):
    grads = []
    for fn in fns:
        x.grad = None
        fn(x).backward()
        grads.append(x.grad)
    x.grad = None
    return grads
