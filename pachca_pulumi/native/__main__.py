"""`python -m pachca_pulumi.native <engine address>`: what the plugin launcher runs."""

from .provider import main

main()
