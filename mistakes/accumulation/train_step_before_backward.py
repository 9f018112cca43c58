"""Steps before backward(), so each step follows the previous loss's gradient."""


def train(optimizer, loss_fn, steps):
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn()
        optimizer.step()
        loss.backward()
        losses.append(loss.item())
    return losses
