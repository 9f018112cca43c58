"""Switches the parameters off with requires_grad_(False), so the model can no longer learn."""


def predict(model, x):
    for p in model.parameters():
        p.requires_grad_(False)
    return model(x)
