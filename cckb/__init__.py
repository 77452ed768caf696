"""The `cckb` command line."""
