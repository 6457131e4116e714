#!/bin/sh
# The library holds no mutable global state, so runs on many threads cannot interfere:
# no library object has a writable .data or .bss section (constant tables live in .rodata
# or .data.rel.ro), and nothing calls libm's lgamma, which writes the global signgam
# (lgamma_r instead).
set -u
B=${TRUCE_BUILD:?}
if ! command -v objdump >/dev/null 2>&1 || ! command -v nm >/dev/null 2>&1; then
  echo "ok - no global state # SKIP objdump or nm not installed"; exit 0
fi
fail=0
if nm -u "$B/libtruce.a" | grep -qE ' U __(asan|ubsan|tsan|msan|sanitizer)'; then
  # sanitizers add their own writable metadata to every object
  echo "ok - no library object has writable data # SKIP sanitizer build"
else
bad=$(for o in "$B"/obj/*/*.o "$B"/obj/embedded.o; do
        objdump -h "$o" | awk -v f="${o#$B/}" '$2 ~ /^\.(data|bss)/ && $2 !~ /rel\.ro/ && $3 !~ /^0+$/ { print f ": " $2 " " $3 " bytes" }'
      done)
if [ -z "$bad" ]; then echo "ok - no library object has writable data (.data, .bss)"
else echo "not ok - library objects with writable data:"; echo "$bad" | sed 's/^/# /'; fail=1; fi
fi
if nm -u "$B/libtruce.a" | grep -qE ' U (lgamma|gamma)$'; then
  echo "not ok - the library calls lgamma or gamma (global signgam): use lgamma_r"; fail=1
else echo "ok - no call to lgamma (global signgam)"; fi
exit $fail
