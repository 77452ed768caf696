"""Page objects: a response in, DocumentItem fields out; no network, strict on missing parts."""
