#!/usr/bin/env bash
# Builds the release archives of upexport for every supported platform, and
# their SHA256SUMS, into dist/ (or $OUT).
#
#   scripts/release.sh v1.2.0            # all six platforms
#   PLATFORMS=linux/amd64 scripts/release.sh v1.2.0
#
# The archives are reproducible: the same commit, version and Go toolchain
# give the same bytes (-trimpath, no VCS stamping, the commit time as the
# build date and as every file's mtime, sorted entries, no owner names, no
# gzip timestamp). It needs GNU tar and date, and zip: run it on Linux.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: scripts/release.sh VERSION (for example v1.2.0)}
out=${OUT:-dist}
platforms=${PLATFORMS:-"linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64"}

commit=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	echo "release: the work tree has uncommitted changes; the binaries say so" >&2
	commit="$commit+modified"
fi
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
date=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

archives=()
for p in $platforms; do
	goos=${p%/*} goarch=${p#*/}
	name="upexport_${version#v}_${goos}_${goarch}"
	exe=upexport
	[ "$goos" = windows ] && exe=upexport.exe
	mkdir -p "$stage/$name"
	CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false \
		-ldflags "-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date" \
		-o "$stage/$name/$exe" ./cmd/upexport
	cp README.md "$stage/$name/"
	chmod 0755 "$stage/$name/$exe"
	chmod 0644 "$stage/$name/README.md"
	find "$stage/$name" -exec touch -h -d "@$epoch" {} +
	if [ "$goos" = windows ]; then
		archive="$name.zip"
		rm -f "$out/$archive"
		# -X: no uid/gid or extra time fields; zip stores local time, so UTC.
		(cd "$stage" && find "$name" | LC_ALL=C sort | TZ=UTC zip -q -X -@ "$out/$archive")
	else
		archive="$name.tar.gz"
		tar -C "$stage" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
			--format=ustar -cf - "$name" | gzip -n -9 >"$out/$archive"
	fi
	archives+=("$archive")
	echo "$out/$archive"
done
(cd "$out" && sha256sum "${archives[@]}" >SHA256SUMS)
echo "$out/SHA256SUMS"
