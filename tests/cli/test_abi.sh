#!/bin/sh
# The public interface: include/truce.h compiles alone as C17 and as C++ under strict
# warnings (libgit2's headertest), and build/libtruce.so exports only truce_* symbols.
set -u
ROOT=${TRUCE_ROOT:?}; B=${TRUCE_BUILD:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fail=0
ok() { echo "ok - $1"; }
no() { echo "not ok - $1"; fail=1; }

printf '#include "truce.h"\nint main(void) { return truce_param_count() > 0 ? 0 : 1; }\n' > "$W/h.c"
if cc -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wstrict-prototypes \
     -Wcast-qual -Wwrite-strings -Wundef -Werror -I"$ROOT/include" -c "$W/h.c" -o "$W/h.o" 2>"$W/err"; then
  ok "truce.h compiles alone as C17 under strict warnings"
else no "truce.h as C17: $(head -3 "$W/err")"; fi
cp "$W/h.c" "$W/h.cpp"
if c++ -std=c++17 -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wcast-qual \
     -Wold-style-cast -Wundef -Werror -I"$ROOT/include" -c "$W/h.cpp" -o "$W/hpp.o" 2>"$W/err"; then
  ok "truce.h compiles alone as C++17 under strict warnings"
else no "truce.h as C++: $(head -3 "$W/err")"; fi

if [ -f "$B/libtruce.so" ]; then
  nm -D --defined-only "$B/libtruce.so" | awk '{print $NF}' > "$W/syms"
  others=$(grep -v '^truce_' "$W/syms" | tr '\n' ' ')
  if [ -z "$others" ] && [ -s "$W/syms" ]; then ok "libtruce.so exports only truce_* ($(wc -l < "$W/syms") symbols)"
  else no "libtruce.so exports other symbols: $others"; fi
  # every exported function is declared in the header, and every TRUCE_API function exported
  missing=""
  for s in $(grep -o '^TRUCE_API[^(]*(' "$ROOT/include/truce.h" | sed 's/.*[ *]\(truce_[a-z0-9_]*\)($/\1/'); do
    grep -qx "$s" "$W/syms" || missing="$missing $s"
  done
  if [ -z "$missing" ]; then ok "every TRUCE_API function is exported"; else no "declared but not exported:$missing"; fi
  # a program linked against the shared library runs (with the sanitizer the library was
  # built with, under make asan / ubsan)
  san=""
  ldd "$B/libtruce.so" | grep -q libasan && san="-fsanitize=address"
  ldd "$B/libtruce.so" | grep -q libubsan && san="$san -fsanitize=undefined"
  if cc -std=c17 $san -I"$ROOT/include" "$W/h.c" -L"$B" -ltruce -o "$W/h" 2>"$W/err" && LD_LIBRARY_PATH="$B" "$W/h"; then
    ok "a program links and runs against libtruce.so"
  else no "link against libtruce.so: $(head -3 "$W/err")"; fi
else no "build/libtruce.so exists"; fi
exit $fail
