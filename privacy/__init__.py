"""The rights of the people c360 holds data about (GDPR): erasure that stays erased, and what the graph and
the files beside it hold about one person. Above the read model and the commands, below the adapters."""
