"""Offline assistant that answers questions about press releases with verbatim, character-exact citations."""

from .answer import Answer, Citation
from .service import Assistant, BadQuestion
from .settings import Settings

__all__ = ["Answer", "Assistant", "BadQuestion", "Citation", "Settings"]
