"""Resets after step(): an old gradient leaks into the first step, and the last gradient is gone."""


def train(optimizer, loss_fn, steps):
    losses = []
    for _ in range(steps):
        loss = loss_fn()
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(loss.item())
    return losses
