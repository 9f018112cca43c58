"""Confuses the CUDA version torch was built with and whether a GPU is present now."""


def cuda_version():
    return torch.version.cuda if torch.cuda.is_available() else None
