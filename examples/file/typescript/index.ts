// Entry point for `pulumi up`: the returned object becomes the stack outputs.
import { program } from "./program";

export = program;
