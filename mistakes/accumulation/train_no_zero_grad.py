"""Never resets the gradients, so every step follows the sum of all gradients so far."""


def train(optimizer, loss_fn, steps):
    losses = []
    for _ in range(steps):
        loss = loss_fn()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
