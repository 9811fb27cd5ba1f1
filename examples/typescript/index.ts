// Entry point for `pulumi up`: a module that exports a function has it called by Pulumi,
// and the returned object becomes the stack outputs.
import { program } from "./program";

export = program;
