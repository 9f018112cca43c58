"""Asks CUDA for a device name without first checking that CUDA is available."""


def gpu_name():
    return torch.cuda.get_device_name(0)
