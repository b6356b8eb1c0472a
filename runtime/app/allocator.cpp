// The allocator of localsgd's programs: jemalloc, with its memory on
// transparent huge pages where the kernel offers them (THP "madvise" or
// "always"). A run keeps every repetition's records until it writes them,
// and its first touch of each 4 KiB page costs a page fault (about 5 us on
// the VMs measured): 14k faults were 15% of experiment S's CPU. On 2 MiB
// pages that is 3.7k faults, and S's execution fell from 0.21 to 0.16 s.
// Peak memory at d = 1e6 fell too (3.8x to 3.3x the models, bench/memory.sh).
//
// Freed pages go back to the OS after a minute unused, not jemalloc's 10 s:
// a network round frees and allocates its message chunks anew (8 MB a node
// at d = 1e6), and with 10 s jemalloc handed back part of them every round,
// so that every round faulted in (and zeroed) 180 fresh pages again. Chain
// round at d = 1e6, N = 4 on loopback: 52 -> 47 ms of CPU, 15 faults a round.
// Peak memory is unchanged (bench/memory.sh); an idle process keeps what it
// freed for that minute.
//
// MALLOC_CONF in the environment overrides these settings (jemalloc reads
// it after this string); -DLSGD_ALLOCATOR=system builds with glibc's malloc.
#include <jemalloc/jemalloc.h>

// Read by jemalloc when it initialises (its documented compile-time hook).
const char* malloc_conf = "thp:always,metadata_thp:auto,dirty_decay_ms:60000";
