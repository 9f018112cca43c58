"""Keeps x.grad itself in the list; zero_() then rewrites every kept result in place."""


def separate_grads(x, fns):
    grads = []
    for fn in fns:
        if x.grad is not None:
            x.grad.zero_()
        fn(x).backward()
        grads.append(x.grad)
    return grads
