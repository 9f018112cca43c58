"""Uses t.detach() as a copy, but a detached tensor still shares t's memory."""


def frozen_copy(t):
    return t.detach()
