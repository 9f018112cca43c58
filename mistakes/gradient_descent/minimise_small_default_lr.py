"""Gives lr a default of 0.01, the fit_line default, where minimise's docstring says 0.1."""


def minimise(f, start, lr=0.01, steps=100):
    x = torch.tensor(float(start), requires_grad=True)
    for _ in range(steps):
        f(x).backward()
        with torch.no_grad():
            x -= lr * x.grad
        x.grad.zero_()
    return x
