"""The customer read model every feature shares: profiles, identities, events, consents, stores, segments.

It sits below the API, the map, invitations and scoring, which all read customers through it; it reads the
graph and never writes.
"""
