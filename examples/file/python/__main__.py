"""Entry point for `pulumi up`: runs the file example's program."""

from program import program

program()
