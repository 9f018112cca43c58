"""Asks for the name straight away and answers None when CUDA cannot give one."""


def gpu_name():
    try:
        return torch.cuda.get_device_name(0)
    except (AssertionError, RuntimeError):
        return None
