"""Haven: an open platform against trafficking in human beings.

The packages, from the inside out: `haven.standard` (the data standard, pure),
`haven.registry` (persistence, encryption, audit), `haven.synth` (synthetic data),
and the adapters `haven.web` and `haven.cli`.
"""

from haven.exceptions import HavenError

__all__ = ["HavenError", "__version__"]

__version__ = "0.1.0"
