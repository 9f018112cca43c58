"""Passes the value straight to torch.tensor, so a whole number gives an int64 tensor, which cannot require gradients."""


def tracked(value):
    return torch.tensor(value, requires_grad=True)
