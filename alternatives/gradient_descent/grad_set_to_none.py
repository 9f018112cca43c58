"""Clears gradients with x.grad = None before each backward() instead of zeroing after the step."""


def minimise(f, start, lr=0.1, steps=100):
    x = torch.tensor(float(start), requires_grad=True)
    for _ in range(steps):
        x.grad = None
        f(x).backward()
        with torch.no_grad():
            x.sub_(lr * x.grad)
    return x


def fit_line(x, y, lr=0.01, epochs=100, w0=0.0, b0=0.0):
    w = torch.full((1,), w0, dtype=x.dtype, device=x.device).requires_grad_()
    b = torch.full((1,), b0, dtype=x.dtype, device=x.device).requires_grad_()
    for _ in range(epochs):
        w.grad = b.grad = None
        mse(w * x + b, y).backward()
        with torch.no_grad():
            w.sub_(lr * w.grad)
            b.sub_(lr * b.grad)
    return w, b
