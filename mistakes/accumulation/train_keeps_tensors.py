"""Keeps the loss tensors themselves, each holding its step's graph alive."""


def train(optimizer, loss_fn, steps):
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn()
        loss.backward()
        optimizer.step()
        losses.append(loss)
    return losses
