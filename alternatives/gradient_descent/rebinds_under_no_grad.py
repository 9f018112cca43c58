"""Rebinds x to a new leaf at every step instead of updating it in place."""


def minimise(f, start, lr=0.1, steps=100):
    x = torch.tensor(float(start), requires_grad=True)
    for _ in range(steps):
        f(x).backward()
        with torch.no_grad():
            x = x - lr * x.grad
        x.requires_grad_()
    return x
