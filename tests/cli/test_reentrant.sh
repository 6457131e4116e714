#!/bin/sh
# The library holds no mutable global state, so runs on many threads cannot interfere:
# no writable global or static variable in any library object (constant tables live in
# .rodata or .data.rel.ro), except those named below with their reason; and nothing calls
# libm's lgamma, which writes the global signgam (lgamma_r instead).
set -u
B=${TRUCE_BUILD:?}
if ! command -v objdump >/dev/null 2>&1 || ! command -v nm >/dev/null 2>&1; then
  echo "ok - no global state # SKIP objdump or nm not installed"; exit 0
fi
# object:symbol of the writable globals the library is allowed, one per line
ALLOWED='base/outpath.o:reg_state
base/outpath.o:reg_path'
# (outpath: the registry of temporary files that the SIGTERM/SIGINT cleanup handler must
# reach, and a signal handler can reach nothing but globals; atomic slots, thread-safe)
fail=0
if nm -u "$B/libtruce.a" | grep -qE ' U __(asan|ubsan|tsan|msan|sanitizer)'; then
  # sanitizers add their own writable metadata to every object
  echo "ok - no writable globals in the library # SKIP sanitizer build"
else
bad=$(for o in "$B"/obj/*/*.o "$B"/obj/embedded.o; do
        [ -f "$o" ] || continue
        rel=${o#$B/obj/}
        objdump -t "$o" | awk -v f="$rel" '
          $2 ~ /^[lg]$/ && $3 == "O" && $4 ~ /^\.(data|bss)/ && $4 !~ /rel\.ro/ { print f ":" $NF }
          $2 ~ /^[lg]$/ && $3 == "O" && $4 ~ /^\*COM\*/ { print f ":" $NF }'
      done | while read -r sym; do
        printf '%s\n' "$ALLOWED" | grep -qxF "$sym" || echo "$sym"
      done)
if [ -z "$bad" ]; then echo "ok - no writable globals in the library (besides the documented outpath registry)"
else echo "not ok - writable globals in library objects:"; echo "$bad" | sed 's/^/# /'; fail=1; fi
fi
if nm -u "$B/libtruce.a" | grep -qE ' U (lgamma|gamma)$'; then
  echo "not ok - the library calls lgamma or gamma (global signgam): use lgamma_r"; fail=1
else echo "ok - no call to lgamma (global signgam)"; fi
exit $fail
