#!/usr/bin/env bash
# Installs the Debian packages lugeo needs, when they are missing (apt-get only; nothing else
# is downloaded). Used by both set-up commands of the README and by .ci/run.
#   tools/setup.sh            build and run-time packages
#   tools/setup.sh --report   also what the browser tests need: the HTML report's (headless
#                             Chromium) and the dispatcher page's (chromium-driver, Selenium)
#   tools/setup.sh --peers    also the peers bench/peers/run_peers.py measures lugeo against
#                             (pgRouting, osm2pgrouting, GRASS, networkx, OSMnx); never in CI
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config
    libgdal-dev gdal-bin libproj-dev libgeos-dev
    libcli11-dev doctest-dev libtomlplusplus-dev nlohmann-json3-dev libbenchmark-dev
    libosmium2-dev libprotozero-dev zlib1g-dev libbz2-dev libexpat1-dev libsqlite3-dev
    python3
    # lugeo serve: the HTTP server (cpp-httplib) and the page's map library (Leaflet)
    libcpp-httplib-dev libjs-leaflet
    # tests/cli/postgis.sh: a real PostgreSQL + PostGIS it starts itself on port 55432
    postgresql-15 postgresql-15-postgis-3
    # the fuzz stage of tools/run-tests.sh: clang and its libFuzzer/sanitizer runtimes
    clang libclang-rt-dev
)
for opt in "$@"; do
    case "$opt" in
    --report) packages+=(chromium fonts-noto-cjk chromium-driver python3-selenium) ;;
    --peers)
        packages+=(postgresql-15-pgrouting osm2pgrouting grass-core python3-networkx
            python3-osmnx osmium-tool)
        ;;
    *) echo "tools/setup.sh: unknown option $opt (--report, --peers)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if ((${#missing[@]})); then
    echo "lugeo setup: installing ${missing[*]}" >&2
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "lugeo setup: all Debian packages present" >&2
fi
