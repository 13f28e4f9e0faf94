"""symbiosis: industrial-symbiosis matchmaking, one firm's residue becoming another's input."""

from symbiosis.registry import Registry
from symbiosis.schemas import CANDIDATES, EXCHANGES, FIRMS, STREAMS

__all__ = ["CANDIDATES", "EXCHANGES", "FIRMS", "STREAMS", "Registry", "__version__"]

__version__ = "0.1.0"
