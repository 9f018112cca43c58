"""Never resets x.grad, so each result is a running total of all the gradients so far."""


def separate_grads(x, fns):
    grads = []
    for fn in fns:
        fn(x).backward()
        grads.append(x.grad.clone())
    return grads
