"""Passes a whole number straight to torch.tensor: an int64 tensor cannot require gradients."""


def tracked(value):
    return torch.tensor(value, requires_grad=True)
