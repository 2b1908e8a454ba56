"""The local Makini sandbox: an ASGI app serving Makini's API paths and shapes from SQLite.

It is the project's test bed and the CLI's embedded default profile. Entry points:
`app.create_app`, `embedded.get_app`, `server.ServerThread`, `server.serve`, and the cheap
`seed.sandbox_credentials` (kept import-light because the CLI calls it on every start).
"""
