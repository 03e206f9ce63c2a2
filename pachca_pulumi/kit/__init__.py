"""The resource kit: what every resource of this package is built on, written once.

A resource is a schema (a pydantic model whose fields carry a `Rule`), a service (its API calls)
and a thin provider, a subclass of `KitProvider` (`provider.py`). The kit gives them:
- `schema.py`: `Rule`/`Compare`/`Source`/`Output`, `rule_of`/`default_of`, the name validator and
  the id parser;
- `references.py`: user references (id, email, @nickname) and their one case rule;
- `check.py`: pydantic errors -> `CheckFailure`s naming the field; `compare.py`: one field comparison;
- `members.py`: the membership plan with implied members;
- `tags.py`: group tags by name, one case rule;
- `session.py`: one session per process and token (client, directory, tag names, and the one-owner
  `Claims`), shared by every resource kind of the run;
- `provider.py`: the provider base: pickling by reference, `configure`, the lazily built service,
  the one-line error of every hook, redaction, and the registry of resource kinds;
- `oneline.py`: how a hook's error reaches the terminal as one line on every supported pulumi SDK.

The kit imports nothing from `chat/` or `group_tag/`; they import from it.
"""
