#!/usr/bin/env bash
# Sign, notarize and staple the macOS app bundle made by PyInstaller, then zip it for download.
#
#   CODESIGN_IDENTITY="Developer ID Application: … (TEAMID)" NOTARY_PROFILE=hsb-notary \
#     packaging/macos/sign_and_notarize.sh [dist/<flavour>/hsb-whisper.app]
#
# The app (made by `python scripts/build_bundle.py --flavor <flavour>`) may also be given as APP=…;
# default dist/transcriber/hsb-whisper.app. The zip is written to ZIP (default: the app's path with
# .zip instead of .app). NOTARY_PROFILE names a keychain profile stored beforehand with
# `xcrun notarytool store-credentials NOTARY_PROFILE --apple-id … --team-id … --password …`.
#
# NOT RUN YET: this script was written on a Linux machine without macOS. Checked there only with
# `bash -n` and a dry run on a fake bundle with stand-ins for codesign, xcrun, spctl, ditto and
# file. Expect to adjust it on the first real run.
#
# Why every binary is signed one by one, inside-out (and never with `codesign --deep`):
# PySide6 one-folder bundles have failed notarization on the Qt frameworks ("The signature of the
# binary is invalid", pyinstaller #8927 #8029): the frameworks' inner binaries
# (QtCore.framework/Versions/A/QtCore …) keep their maker's or PyInstaller's ad-hoc signature,
# and a framework's seal over its resources breaks when files around it change. So this script
# signs every Mach-O file (.so, .dylib, framework binaries, executables) deepest first, then each
# framework version folder (which seals its Info.plist and resources), then the app itself. The
# hardened runtime (--options runtime) and a secure timestamp (--timestamp) are what notarization
# requires; the entitlements (entitlements.plist) allow what ctranslate2, onnxruntime and Qt need.
set -euo pipefail

APP=${1:-${APP:-dist/transcriber/hsb-whisper.app}}
APP=${APP%/}
ZIP=${ZIP:-${APP%.app}.zip}
ENTITLEMENTS=$(cd "$(dirname "$0")" && pwd)/entitlements.plist

die() {
  echo "sign_and_notarize: error: $*" >&2
  exit 1
}

[ -d "$APP/Contents/MacOS" ] || die "not an app bundle: $APP (build it first: scripts/build_bundle.py)"
[ -n "${CODESIGN_IDENTITY:-}" ] || die "set CODESIGN_IDENTITY (e.g. 'Developer ID Application: Name (TEAMID)')"
[ -n "${NOTARY_PROFILE:-}" ] || die "set NOTARY_PROFILE (a profile of xcrun notarytool store-credentials)"
[ -f "$ENTITLEMENTS" ] || die "entitlements not found: $ENTITLEMENTS"

sign() {
  codesign --force --timestamp --options runtime --entitlements "$ENTITLEMENTS" \
    --sign "$CODESIGN_IDENTITY" "$1"
}

# Paths, deepest first (so that a folder is signed after everything inside it).
deepest_first() {
  awk -F/ '{ print NF "\t" $0 }' | sort -t "$(printf '\t')" -k1,1nr -k2 | cut -f2-
}

echo "== signing the Mach-O files in $APP"
count=0
while IFS= read -r file; do
  sign "$file"
  count=$((count + 1))
done < <(
  # Regular files only: PyInstaller links Contents/Resources to Contents/Frameworks with symlinks,
  # which are signed through their targets.
  find "$APP/Contents" -type f -print0 |
    while IFS= read -r -d '' f; do
      if file -b "$f" | grep -q 'Mach-O'; then printf '%s\n' "$f"; fi
    done | deepest_first
)
echo "signed $count binaries"

echo "== signing the frameworks"
while IFS= read -r framework; do
  signed_version=0
  for version in "$framework"/Versions/*; do
    # Versions/Current is a symlink to the real version folder, which is signed itself.
    if [ -d "$version" ] && [ ! -L "$version" ]; then
      sign "$version"
      signed_version=1
    fi
  done
  # A flat framework (no Versions/ folder) is signed as a whole.
  [ "$signed_version" = 1 ] || sign "$framework"
done < <(find "$APP/Contents" -type d -name '*.framework' | deepest_first)

echo "== signing the app"
sign "$APP"
codesign --verify --deep --strict --verbose=2 "$APP"

echo "== notarizing (this uploads $ZIP to Apple and waits, usually some minutes)"
rm -f "$ZIP"
ditto -c -k --keepParent "$APP" "$ZIP"
result=$(mktemp)
trap 'rm -f "$result"' EXIT
xcrun notarytool submit "$ZIP" --keychain-profile "$NOTARY_PROFILE" --wait \
  --output-format json | tee "$result"
# `submit --wait` exits 0 also when Apple rejects the upload: read the status it reports.
status=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("status", ""))' "$result")
if [ "$status" != "Accepted" ]; then
  id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("id", ""))' "$result")
  [ -z "$id" ] || xcrun notarytool log "$id" --keychain-profile "$NOTARY_PROFILE" >&2 || true
  die "notarization status: ${status:-unknown} (Apple's log above names the offending files)"
fi

echo "== stapling the ticket and checking Gatekeeper's verdict"
xcrun stapler staple "$APP"
xcrun stapler validate "$APP"
spctl -a -vv -t exec "$APP"

# The zip sent to Apple holds the app without its ticket: zip the stapled app again, so that it
# opens without a network check.
rm -f "$ZIP"
ditto -c -k --keepParent "$APP" "$ZIP"
echo "$ZIP"
