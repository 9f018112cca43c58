"""The warm runner: a server that keeps torch, numpy and pytest imported and runs
each pytest request in a freshly forked child, and ``kata-run``, its thin client.

``ptw`` uses ``kata-run`` as its runner (see ``pytest.ini``); ``kata watch`` calls
the client in-process. The client never imports torch.
"""
