"""Detaches the output: the result is right, but the whole pass was recorded first."""


def predict(model, x):
    return model(x).detach()
