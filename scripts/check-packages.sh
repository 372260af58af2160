#!/usr/bin/env bash
# Packaging checks for every published package: publint, and arethetypeswrong
# on the packed tarball.
# - The packages are ESM-only; CommonJS users require() them on Node
#   20.19+/22.12+ (require(esm), as jose itself needs), which
#   packages/core/test/packaging.test.ts proves, so attw's
#   CJS-resolves-to-ESM warning is expected and ignored.
# - `--profile node16`: TypeScript's legacy `node10` resolution knows no
#   `exports`, so it cannot see subpaths such as `@auth-errors/core/adapter`;
#   the packages need Node 20.19+, whose users resolve with node16/nodenext
#   or bundler, which are all checked.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -b
for pkg in packages/*/; do
  npx publint --strict "$pkg"
  (cd "$pkg" && npx attw --pack . --profile node16 --ignore-rules cjs-resolves-to-esm)
done
