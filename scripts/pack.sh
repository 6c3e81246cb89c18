#!/usr/bin/env bash
# Packs Composer for installing, into artifacts/packages:
#   Composer.Cli.<version>.nupkg        a .NET tool:  dotnet tool install --global --add-source artifacts/packages Composer.Cli
#   Composer.Testing.<version>.nupkg    the library for tests (README: Testing with Composer.Testing)
#   composer-<version>-linux-x64.tar.gz the NativeAOT binary (scripts/publish.sh), with a .sha256 file beside it
# The version has one source, VersionPrefix in Directory.Build.props (also what `composer version` prints).
#   scripts/pack.sh [--no-native]      --no-native: the .NET tool only (no NativeAOT publish, ~2 min less)
# COMPOSER_BINARY=path: tar that NativeAOT binary instead of publishing one (scripts/test.sh has just published it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$root/artifacts/packages
native=1
[ "${1:-}" = "--no-native" ] && native=0
version=$(sed -n 's:.*<VersionPrefix>\(.*\)</VersionPrefix>.*:\1:p' "$root/Directory.Build.props")
[ -n "$version" ] || { echo "pack: no VersionPrefix in Directory.Build.props" >&2; exit 1; }
mkdir -p "$out"

echo "pack: Composer.Cli $version (.NET tool) → $out" >&2
rm -f "$out"/Composer.Cli.*.nupkg
# The tool runs on the installed .NET runtime; NativeAOT is for the tarball.
dotnet pack "$root/src/Composer.Cli" -c Release -o "$out" --nologo -v quiet -p:PublishAot=false >&2

echo "pack: Composer.Testing $version (library) → $out" >&2
rm -f "$out"/Composer.Testing.*.nupkg
dotnet pack "$root/src/Composer.Testing" -c Release -o "$out" --nologo -v quiet >&2
# A consumer's NuGet cache keeps a version once restored: drop ours so examples/testing restores this build.
rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/composer.testing/$version"

if [ "$native" = 1 ]; then
  binary=${COMPOSER_BINARY:-}
  if [ -z "$binary" ]; then bash "$root/scripts/publish.sh"; binary=$root/artifacts/composer/composer; fi
  name=composer-$version-linux-x64
  staging=$(mktemp -d)
  trap 'rm -rf "$staging"' EXIT
  mkdir "$staging/$name"
  cp "$binary" "$staging/$name/composer"
  cp "$root/README.md" "$staging/$name/"
  [ -f "$root/LICENSE" ] && cp "$root/LICENSE" "$staging/$name/"
  # Reproducible bytes for the same binary: fixed order, owner and time.
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$staging" -cf - "$name" | gzip -n > "$out/$name.tar.gz"
  (cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
  echo "pack: $out/$name.tar.gz (+ .sha256)" >&2
fi
ls -1 "$out"
