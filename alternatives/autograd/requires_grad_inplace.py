"""Makes a float tensor first and switches gradient tracking on afterwards."""


def tracked(value):
    return torch.tensor(float(value)).requires_grad_()
