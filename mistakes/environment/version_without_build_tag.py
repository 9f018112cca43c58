"""Cuts the version at the +, but the build tag (+cpu, +cu121) is part of the installed version."""


def torch_version():
    return torch.__version__.split("+")[0]
