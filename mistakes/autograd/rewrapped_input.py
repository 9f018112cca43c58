"""Re-wraps x as torch.tensor(x, requires_grad=True): the gradient lands on the copy, not on x."""


def quadratic_grad(x):
    x = torch.tensor(x, requires_grad=True)
    y = x**2 + 3 * x + 1
    y.backward()
    return x.grad
