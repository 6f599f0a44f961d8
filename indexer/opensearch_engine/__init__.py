"""The distributed back end: an OpenSearch index behind an alias, fed with tracuu's own analysis.

Documents and queries reach OpenSearch already normalised, segmented and folded, in fields analysed by
whitespace only, so any stock OpenSearch 2.x/3.x cluster works and both back ends match the same
documents. `mapping` (the index), `client` (connecting, errors), `dsl` (query plans as OpenSearch
queries), `writer` (archive → index, alias swaps), `reader` (the SearchEngine).
"""
