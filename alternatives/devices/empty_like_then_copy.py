"""Makes room on the device with empty_like and copies the values in."""


def to_device(t, device):
    return torch.empty_like(t, device=device).copy_(t)
