"""Detaches the input, but the parameters still require grad, so the pass is recorded."""


def predict(model, x):
    return model(x.detach())
