"""torch.inference_mode() records nothing either, and also skips autograd's bookkeeping."""


def predict(model, x):
    with torch.inference_mode():
        return model(x)
