"""Runs autograd on fresh leaves made from x and y, leaving the given tensors' .grad alone."""


def partials(fn, x, y):
    a = x.detach().requires_grad_()
    b = y.detach().requires_grad_()
    fn(a, b).backward()
    return a.grad, b.grad
