"""A source-grounded question-answering assistant about paraneoplastic syndromes of the nervous system.

Importing the package loads no model and touches no file; see ``assistant.surfaces.cli`` for the commands.
"""

__version__ = "0.1.0"
