"""Does not clear w.grad before the first micro-batch, so last step's gradient is added in."""


def microbatch_grad(w, inputs, targets, batch_size):
    n = inputs.shape[0]
    for start in range(0, n, batch_size):
        x = inputs[start : start + batch_size]
        y = targets[start : start + batch_size]
        loss = ((x @ w - y) ** 2).sum() / n
        loss.backward()
    return w.grad
