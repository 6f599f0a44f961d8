"""Where indexes made by tracuu 0.1 find their field classes.

Whoosh pickles the schema into each index's table of contents, naming every class by module path,
and 0.1 kept them in this module. The names stay importable here so those indexes open as they are;
indexes made since name `indexer.whoosh_engine.schema`. Nothing else should import this module.
"""

from indexer.whoosh_engine.schema import PackedPositions, TokenField, Weights

__all__ = ["PackedPositions", "TokenField", "Weights"]
