"""The workshop room: a facilitator's dashboard (``kata dashboard``) and the pairs that join it.

Learner side (no extra packages): ``membership`` (``kata join``/``kata leave``),
``payload`` (what is sent, built and checked), ``send`` (the background send).
Dashboard side (the ``workshop`` extra): ``store`` (SQLite), ``page`` (the HTML),
``app`` (the Starlette routes) and ``dashboard`` (the command).
"""
