#!/bin/sh
# `make install DESTDIR=...` puts the tool, both libraries, the header, truce.pc and the man
# pages in place, and a tiny C program compiles and runs against the installed header and
# pkg-config file (static and shared). Prints TAP; exits 1 on any failure.
set -u
ROOT=${TRUCE_ROOT:-.}
BUILD=${TRUCE_BUILD:-$ROOT/build}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; sed 's/^/# /' "$dest/log" 2>/dev/null | tail -8; }

if make -s -C "$ROOT" install BUILD="$(basename "$BUILD")" DESTDIR="$dest/root" PREFIX=/usr/local \
       >"$dest/log" 2>&1; then
    ok "19 make install DESTDIR=... PREFIX=/usr/local"
else
    notok "19 make install DESTDIR=... PREFIX=/usr/local"
fi
P="$dest/root/usr/local"
for f in bin/truce lib/libtruce.a lib/libtruce.so lib/libtruce.so.0 include/truce.h \
         lib/pkgconfig/truce.pc share/man/man1/truce.1 share/man/man1/truce-run.1 \
         share/man/man1/truce-events-aggregate.1 share/man/man1/truce-episodes.1; do
    if [ -e "$P/$f" ]; then ok "19 installed $f"; else notok "19 installed $f"; fi
done
missing=""
for c in $("$P/bin/truce" --help | awk '/^commands:/{on=1; next} on && /^  [a-z]/{print $1}'); do
    [ -e "$P/share/man/man1/truce-$c.1" ] || missing="$missing $c"
done
if [ -z "$missing" ]; then ok "19 every command of 'truce --help' has a man page"
else notok "19 commands without a man page (Makefile MANPAGES):$missing"; fi
if [ -x "$P/bin/truce" ] && "$P/bin/truce" --version | grep -q '^truce '; then ok "19 the installed truce runs"
else notok "19 the installed truce runs"; fi
# the MPI driver is installed beside it whenever it was built (make all builds it when mpicc is there)
if [ -x "$BUILD/truce-mpi" ]; then
    if [ -x "$P/bin/truce-mpi" ] && "$P/bin/truce-mpi" --version 2>/dev/null | grep -q '^truce '; then
        ok "19 truce-mpi installed and runs"
    else notok "19 truce-mpi installed and runs"; fi
fi
if grep -q '^\.TH TRUCE-RUN 1' "$P/share/man/man1/truce-run.1" &&
   grep -q -- '--seed' "$P/share/man/man1/truce-run.1"; then
    ok "19 truce-run.1 is made from 'truce run --help'"
else notok "19 truce-run.1 is made from 'truce run --help'"; fi

# A tiny program against the installed header and truce.pc (prefix moved under DESTDIR).
cat >"$dest/hello.c" <<'C'
#include <stdio.h>
#include <truce.h>
int main(void)
{
    printf("%s %zu\n", TRUCE_VERSION, truce_param_count());
    return truce_param_count() > 0 ? 0 : 1;
}
C
san=""
case "$(basename "$BUILD")" in
    *asan*) san="-fsanitize=address" ;;
    *ubsan*) san="-fsanitize=undefined" ;;
esac
export PKG_CONFIG_PATH="$P/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest/root"
if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists truce; then
    ok "19 pkg-config finds truce"
    # shellcheck disable=SC2046
    if cc -std=c17 $san $(pkg-config --cflags truce) "$dest/hello.c" -o "$dest/hello_static" \
          "$P/lib/libtruce.a" $(pkg-config --libs-only-l --static truce | sed 's/-ltruce//') \
          >"$dest/log" 2>&1 && "$dest/hello_static" >/dev/null; then
        ok "19 a C program builds and runs against the installed header and libtruce.a"
    else notok "19 a C program against libtruce.a"; fi
    # shellcheck disable=SC2046
    if cc -std=c17 $san $(pkg-config --cflags truce) "$dest/hello.c" -o "$dest/hello_shared" \
          $(pkg-config --libs truce) >"$dest/log" 2>&1 &&
       LD_LIBRARY_PATH="$P/lib" "$dest/hello_shared" >/dev/null; then
        ok "19 a C program builds with pkg-config --libs truce and runs on libtruce.so"
    else notok "19 a C program with pkg-config --libs truce (shared)"; fi
else
    notok "19 pkg-config finds truce (is pkg-config installed?)"
fi
echo "1..$n"
exit $fail
