"""Helpers every stage may use: templates (:mod:`.templating`), interface-word catalogues
(:mod:`.strings`), the display order of shuffled items (:mod:`.shuffle`) and XHTML fragment
helpers (:mod:`.xhtml`). They import only :mod:`builders.model`, never a stage."""
