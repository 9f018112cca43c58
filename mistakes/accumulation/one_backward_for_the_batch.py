"""Runs the whole batch through one backward(), never splitting it into micro-batches."""


def microbatch_grad(w, inputs, targets, batch_size):
    w.grad = None
    ((inputs @ w - targets) ** 2).mean().backward()
    return w.grad
