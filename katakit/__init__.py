"""Tooling for torch-katas: the pytest plugin, the ``kata`` command and its checks.

Nothing here is learner code: learners edit the modules under ``src/``.
"""
