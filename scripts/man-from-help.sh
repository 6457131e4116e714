#!/bin/sh
# Write a man page (roff, section 1) for one truce command from its --help text, so the
# manual cannot drift from the program.   usage: man-from-help.sh TRUCE [COMMAND...] > page.1
# With no COMMAND the page is truce(1) (the top-level --help); `events aggregate` gives
# truce-events-aggregate(1). The help text is kept as written, in a no-fill block.
set -eu
TRUCE=$1
shift
if [ $# -eq 0 ]; then
    name=truce
    summary="measure, simulate and assess the security impact of peace talks, ceasefires and counter-terrorism policy"
else
    name="truce-$(echo "$*" | tr ' ' '-')"
    summary="truce $* (see truce(1))"
fi
help=$("$TRUCE" "$@" --help)
version=$("$TRUCE" --version | sed 's/^truce //')
upper=$(echo "$name" | tr '[:lower:]' '[:upper:]')
# roff: escape backslashes, and protect lines that begin with a dot or an apostrophe.
body=$(printf '%s\n' "$help" | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/")
cat <<ROFF
.TH $upper 1 "" "truce $version" "truce manual"
.SH NAME
$name \\- $summary
.SH DESCRIPTION
.nf
$body
.fi
.SH SEE ALSO
The guides in the docs/ folder of the truce sources: README.md, docs/run.md,
docs/events.md, docs/episodes.md, docs/params.md.
ROFF
