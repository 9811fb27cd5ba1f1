"""Entry point for `pulumi up`: runs the example's program."""

from program import program

program()
