#!/bin/sh
# Adds hsb-whisper to this user's application menu (no root needed): a .desktop file that starts
# the program in this folder, and its icon. Run it again after moving the folder.
# ./install.sh --uninstall removes both again (the folder itself is left to you).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
desktop="$data/applications/hsb-whisper.desktop"
icon="$data/icons/hicolor/256x256/apps/hsb-whisper.png"
if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$desktop" "$icon"
  echo "removed $desktop and $icon"
  exit 0
fi
mkdir -p "$data/applications" "$data/icons/hicolor/256x256/apps"
cp "$here/hsb-whisper.png" "$icon.tmp" && mv "$icon.tmp" "$icon"
# Exec's quoting rules: inside double quotes, \ " ` $ take a backslash, and the .desktop file's
# own string escaping doubles every backslash.
exec_path=$(printf '%s' "$here/hsb-whisper" | sed 's/[\\"`$]/\\\\&/g')
while IFS= read -r line; do
  case $line in
    Exec=*) printf 'Exec="%s" app %%F\n' "$exec_path" ;;
    Icon=*) printf 'Icon=hsb-whisper\n' ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$here/share/hsb-whisper.desktop.in" >"$desktop.tmp"
mv "$desktop.tmp" "$desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
echo "hsb-whisper is in your application menu ($desktop)"
echo "command line: $here/hsb-whisper --help"
