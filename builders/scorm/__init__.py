"""SCORM 1.2 and 2004 packages: :mod:`.builder` zips what :mod:`.pages` (the SCO pages),
:mod:`.manifest` (imsmanifest.xml) and :mod:`.quiz` (interaction ids and value limits) make."""

from .builder import ScormBuilder

__all__ = ["ScormBuilder"]
