"""What the data-protection rights of a person need from c360: a full account of what it holds about them
(subject access and portability, GDPR art. 15 and 20), and erasure. Each right is a module of its own, built
on the customer read model and resolution; the command line and the API only adapt them.
"""
