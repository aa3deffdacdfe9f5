"""Pages. Thin: parse the input, authorise, call one service, render."""

from .site import LoginView, home

__all__ = ["LoginView", "home"]
