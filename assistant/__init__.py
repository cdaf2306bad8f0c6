"""Offline assistant that answers questions about press releases with verbatim, character-exact citations."""

from assistant.settings import Settings
from assistant.surfaces.service import Assistant, BadQuestion
from assistant.types import Answer, Citation

__all__ = ["Answer", "Assistant", "BadQuestion", "Citation", "Settings"]
