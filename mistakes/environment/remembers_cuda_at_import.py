"""Asks about CUDA once, when the module loads, and keeps answering with that old result."""

_CUDA_AT_IMPORT = torch.cuda.is_available()


def cuda_available():
    return _CUDA_AT_IMPORT
