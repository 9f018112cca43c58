"""Returns the device's name as a string, where a torch.device object is asked for."""


def device_of(t):
    return str(t.device)
