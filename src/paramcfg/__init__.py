"""paramcfg: parameters, not customisation."""
