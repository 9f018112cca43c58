"""Resets x.grad after each backward(), not before: an old gradient leaks into the first result."""


def separate_grads(x, fns):
    grads = []
    for fn in fns:
        fn(x).backward()
        grads.append(x.grad.clone())
        x.grad.zero_()
    return grads
