"""Calls model.eval(), which changes how layers like dropout behave, not whether autograd records."""


def predict(model, x):
    model.eval()
    return model(x)
