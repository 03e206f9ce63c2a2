"""The `GroupTag` resource: a workspace group tag (a team) and its people, declared in a program."""
