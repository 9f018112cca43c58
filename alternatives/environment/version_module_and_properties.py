"""Reads torch.version.__version__, and the GPU name from the device's properties."""


def torch_version():
    return torch.version.__version__


def gpu_name():
    if torch.cuda.is_available():
        return torch.cuda.get_device_properties(0).name
    return None
