"""Zeroes an existing gradient in place and weights each chunk's mean by its share of the rows."""


def microbatch_grad(w, inputs, targets, batch_size):
    if w.grad is not None:
        w.grad.zero_()
    n = inputs.shape[0]
    for x, y in zip(inputs.split(batch_size), targets.split(batch_size), strict=True):
        loss = ((x @ w - y) ** 2).mean() * (len(x) / n)
        loss.backward()
    return w.grad
