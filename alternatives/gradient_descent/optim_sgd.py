"""Lets torch.optim.SGD do the no_grad update and the zeroing."""


def minimise(f, start, lr=0.1, steps=100):
    x = torch.tensor(float(start), requires_grad=True)
    optimiser = torch.optim.SGD([x], lr=lr)
    for _ in range(steps):
        optimiser.zero_grad()
        f(x).backward()
        optimiser.step()
    return x


def fit_line(x, y, lr=0.01, epochs=100, w0=0.0, b0=0.0):
    w = torch.tensor([w0], dtype=x.dtype, device=x.device, requires_grad=True)
    b = torch.tensor([b0], dtype=x.dtype, device=x.device, requires_grad=True)
    optimiser = torch.optim.SGD([w, b], lr=lr)
    for _ in range(epochs):
        optimiser.zero_grad()
        mse(w * x + b, y).backward()
        optimiser.step()
    return w, b
