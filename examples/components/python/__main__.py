"""Entry point for `pulumi up`: runs the components example's program."""

from program import program

program()
