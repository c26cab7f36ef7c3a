"""Text in, incidents out: ACLED-typed incidents with place, actors, casualties and date."""

from extraction.knowledge import Area, Knowledge
from extraction.model import Actor, Incident, Location
from extraction.pipeline import Extractor

__all__ = ["Actor", "Area", "Extractor", "Incident", "Knowledge", "Location"]
