"""Pure domain rules: no Flask, no HTTP, no database; `today` is always an argument."""
