"""Resets to zero tensors instead of None: zero_grad(set_to_none=False)."""


def train(optimizer, loss_fn, steps):
    losses = []
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn()
        loss.backward()
        optimizer.step()
        losses.append(loss.detach().item())
    return losses
