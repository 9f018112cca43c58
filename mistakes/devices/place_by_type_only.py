"""Places by device.type, so cuda:1 becomes whichever GPU is current."""


def place(model, x, device):
    return model.to(device.type), x.to(device.type)
