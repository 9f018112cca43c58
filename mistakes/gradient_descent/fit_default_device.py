"""Creates w and b with the default dtype and device instead of those of the data."""


def fit_line(x, y, lr=0.01, epochs=100, w0=0.0, b0=0.0):
    w = torch.tensor([w0], requires_grad=True)
    b = torch.tensor([b0], requires_grad=True)
    for _ in range(epochs):
        mse(w * x + b, y).backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    return w, b
