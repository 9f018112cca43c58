"""Which torch devices this machine offers, and which the run uses."""

from __future__ import annotations

KNOWN = ("cpu", "cuda", "mps")


def available() -> dict[str, bool]:
    """Each known device name mapped to whether torch can use it here."""
    import torch

    mps = getattr(torch.backends, "mps", None)
    return {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": bool(mps and mps.is_available()),
    }


def select(requested: list[str] | None, found: dict[str, bool]) -> list[str]:
    """The devices to run on: all available ones, or those ``--device`` asked for.

    Raises ``ValueError`` with a one-line message for unknown or unavailable names.
    """
    if not requested:
        return [name for name in KNOWN if found.get(name)]
    names = [part.strip() for item in requested for part in item.split(",") if part.strip()]
    have = [name for name in KNOWN if found.get(name)]
    for name in names:
        if name not in KNOWN:
            raise ValueError(f"--device {name}: unknown device; choose from {', '.join(KNOWN)}")
        if not found.get(name):
            raise ValueError(
                f"--device {name}: {name} is not available on this machine "
                f"(available: {', '.join(have)})"
            )
    return list(dict.fromkeys(names))


def header(found: dict[str, bool], selected: list[str]) -> str:
    """One line for pytest's run header, e.g. ``devices: cpu (cuda: not available)``."""
    missing = [f"{name}: not available" for name in KNOWN if not found.get(name)]
    skipped = [
        f"{name}: not selected" for name in KNOWN if found.get(name) and name not in selected
    ]
    extra = ", ".join(missing + skipped)
    return f"devices: {', '.join(selected)}" + (f" ({extra})" if extra else "")
