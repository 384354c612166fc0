"""The embedded demo set: real photographs shipped inside registry packages."""
