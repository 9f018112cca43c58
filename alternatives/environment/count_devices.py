"""Counts CUDA devices instead of asking is_available, and asks torch.mps about Apple's GPU."""


def cuda_available():
    return torch.cuda.device_count() > 0


def best_device():
    if torch.cuda.device_count() > 0:
        return torch.device("cuda")
    return torch.device("mps" if torch.mps.is_available() else "cpu")
