"""The runner: executes every documented case (Python and cURL snippets) against a
recorded cassette (replay, the default) or a live InvenioRDM, and checks what they sent
and what came back."""
