"""Steps with x = x - lr * grad outside no_grad: each step is recorded and x is no longer a leaf."""


def minimise(f, start, lr=0.1, steps=100):
    x = torch.tensor(float(start), requires_grad=True)
    for _ in range(steps):
        (grad,) = torch.autograd.grad(f(x), x)
        x = x - lr * grad
    return x
