"""Hands step() a closure that resets, computes the loss and runs backward, as LBFGS wants."""


def train(optimizer, loss_fn, steps):
    def closure():
        optimizer.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss

    return [float(optimizer.step(closure)) for _ in range(steps)]
