"""Ways in: the HTTP API, the `shop` command and the job worker. Thin: parse, call, render."""
