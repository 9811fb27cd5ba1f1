#!/bin/bash
set -eu
echo "{{greeting}}"
echo "running as $(id -un) in $(pwd)"
