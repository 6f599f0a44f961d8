"""Vietnamese text analysis, shared by indexing and querying (and by every back end).

`text`: NFC, one tone-mark convention, syllables, folding (no marks, đ → d), document numbers whole,
segmented words. `segmenter`: underthesea's CRF word segmentation, run from its bundled model.
`segcache`: segmentations kept by content hash, so a rebuild does not segment again.
`selfcheck`: a start-up check that the installed underthesea still behaves as this code expects.
"""
