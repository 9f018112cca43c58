"""Never zeroes x.grad, so every step uses the sum of all gradients so far."""


def minimise(f, start, lr=0.1, steps=100):
    x = torch.tensor(float(start), requires_grad=True)
    for _ in range(steps):
        f(x).backward()
        with torch.no_grad():
            x -= lr * x.grad
    return x
