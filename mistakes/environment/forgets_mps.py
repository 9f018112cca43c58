"""Knows only CUDA and the CPU, so an Apple GPU is never chosen."""


def best_device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
