"""Asks for the name with no index, which means the current device: the first one here."""


def gpu_name():
    return torch.cuda.get_device_name() if torch.cuda.is_available() else None
