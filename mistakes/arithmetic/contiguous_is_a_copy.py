"""Copies with t.contiguous(), which hands back t itself when its memory is already in order."""


def frozen_copy(t):
    return t.contiguous()
