#!/usr/bin/env node
/** The `cdk-safe-eks` command: `verify` and `report` over a synthesized cloud assembly, `diff` over two. */
import { runCli } from '../lib/cli/program';

process.exitCode = runCli(process.argv.slice(2));
