"""One module per command group. Modules import only Typer at load time; everything heavy is
imported inside the command functions, so `makini --help` stays fast."""
