"""Service staff's commands, in real time: contact corrections, consents given or withdrawn, tickets and notes.

Each change is written the way sources are (a ``service-desk`` source record, consent event or ticket,
validated by the loaders' own models) together with an ``AuditEvent`` in one transaction; a correction is
re-resolved at once. Errors name the field at fault as data (``InputError.field``), so each adapter says it
in its own words.
"""
