#!/bin/sh
# Install the interop readers used by export/interop_test.go, idempotently:
#   - pandas and openpyxl from Debian (python3-pandas, python3-openpyxl), used
#     through /usr/bin/python3 (a pyenv python earlier on PATH lacks them);
#   - DuckDB's Node API at the version pinned in package-lock.json (npm ci).
# Then run the tests with UPEXPORT_REQUIRE_INTEROP=1 so a missing reader fails
# instead of skipping:
#   sh test-tools/install.sh && UPEXPORT_REQUIRE_INTEROP=1 go test ./export/
set -eu
cd "$(dirname "$0")"

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

if /usr/bin/python3 -c 'import pandas, openpyxl' 2>/dev/null; then
	echo "install.sh: pandas and openpyxl already installed"
else
	$sudo apt-get update
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-pandas python3-openpyxl
fi

want=$(node -p "require('./package-lock.json').packages['node_modules/@duckdb/node-api'].version")
have=$(node -p "try { require('./node_modules/@duckdb/node-api/package.json').version } catch { '' }")
if [ "$want" = "$have" ] && node -e "require('@duckdb/node-api')" 2>/dev/null; then
	echo "install.sh: @duckdb/node-api $have already installed"
else
	npm ci --no-audit --no-fund
fi
