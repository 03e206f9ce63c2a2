"""The `pachca-pulumi` command line: import, data files, crash recovery, the emulator."""
