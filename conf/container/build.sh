#!/bin/sh
# build.sh: the tern images for the platforms Alpine's image exists for,
# with docker buildx, from the top of the source tree.  Not run in CI.
# usage: conf/container/build.sh [ tag ] [ buildx options, e.g. --push ]
# exit: that of docker buildx build; 100 usage.
tag=${1:-tern:latest}
[ $# -gt 0 ] && shift
top=$(cd "$(dirname "$0")/../.." && pwd) || exit 111
command -v docker >/dev/null || { echo "build.sh: fatal: docker not found" >&2 ; exit 111 ; }
platforms=linux/amd64,linux/arm64,linux/arm/v7,linux/arm/v6,linux/386,linux/ppc64le,linux/s390x,linux/riscv64
exec docker buildx build --platform "$platforms" -f "$top/conf/container/Dockerfile" -t "$tag" "$@" "$top"
