"""Everything that talks to a language model, through litellm.

Importing this package (or any module in it) never imports litellm: only `lazy.litellm()`
does, on the first real network call. A replay served from the cache never imports it.
"""
