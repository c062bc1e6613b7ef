"""Changes of customers delivered to the applications they came from: the outbox (``graph.outbox``) followed
per destination, as signed CloudEvents to a webhook or as daily JSON Lines files (docs/sync.md)."""
