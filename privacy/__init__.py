"""The rights of the people c360 holds data about (GDPR): a full account of what it holds about a person
(subject access and portability, art. 15 and 20) and erasure that stays erased (art. 17). Each right is a
module of its own, built on the read model, resolution and the loaders; the command line and the API only
adapt them.
"""
