"""The Pachca API client: configuration, the error tree, wire models, retry policy and `PachcaClient`.

It knows nothing about Pulumi, and meets the emulator only on the wire.
"""
