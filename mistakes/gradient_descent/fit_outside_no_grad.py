"""Updates w = w - lr * w.grad outside no_grad (with retain_grad()), so w stops being a leaf."""


def fit_line(x, y, lr=0.01, epochs=100, w0=0.0, b0=0.0):
    w = torch.full((1,), w0, dtype=x.dtype, device=x.device, requires_grad=True)
    b = torch.full((1,), b0, dtype=x.dtype, device=x.device, requires_grad=True)
    for _ in range(epochs):
        mse(w * x + b, y).backward()
        w = w - lr * w.grad
        b = b - lr * b.grad
        w.retain_grad()
        b.retain_grad()
    return w, b
