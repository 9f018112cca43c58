"""Tooling for torch-katas: the pytest plugin, the ``kata`` command and its checks.

Nothing here is learner code: learners edit the modules under ``src/``.

PYTEST_DONT_REWRITE: the package holds no test assertions, so the warm runner
may import it before pytest starts without pytest warning that it cannot
rewrite it.
"""
