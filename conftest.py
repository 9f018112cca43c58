"""Root conftest: loads the torch-katas pytest plugin.

The plugin is also registered as a ``pytest11`` entry point when the project is
installed, so options such as ``--impl DIR`` are known early; naming it here
keeps plain ``pytest`` working from a checkout that is on ``sys.path``.
"""

pytest_plugins = ["katakit.plugin"]
