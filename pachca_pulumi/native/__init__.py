"""The native provider `pulumi-resource-pachca`, for Pulumi YAML and every other language.

`provider.py` serves it on `pulumi.provider.experimental`; `chat.py` and `group_tag.py` are the
one adapter per resource onto the dynamic resources' rules; `schema.py` generates the package
schema from their tables; `detailed.py` names people in diffs; `plugin.py` installs it.
"""
