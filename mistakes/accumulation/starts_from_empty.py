"""Starts w.grad from torch.empty_like, taking fresh memory to hold zeros; it holds anything."""


def microbatch_grad(w, inputs, targets, batch_size):
    w.grad = torch.empty_like(w)
    n = inputs.shape[0]
    for start in range(0, n, batch_size):
        x, y = inputs[start : start + batch_size], targets[start : start + batch_size]
        (((x @ w - y) ** 2).sum() / n).backward()
    return w.grad
