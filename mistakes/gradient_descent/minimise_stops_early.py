"""Stops once the gradient looks small, so a gently sloping f gets fewer steps than asked for."""


def minimise(f, start, lr=0.1, steps=100):
    x = torch.tensor(float(start), requires_grad=True)
    for _ in range(steps):
        f(x).backward()
        if x.grad.abs() < 1e-6:
            break
        with torch.no_grad():
            x -= lr * x.grad
        x.grad.zero_()
    return x
