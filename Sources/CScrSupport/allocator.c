#include <stdlib.h>
#include "scr_support.h"

#if defined(__GLIBC__)
#include <malloc.h>

void scr_tune_allocator(void) {
    // No fast bins: a freed block coalesces with its free neighbours, so a structure built after
    // another was freed is laid out in order again (fast bins hand blocks back last-freed first,
    // scattering a tree built in a freed tree's memory: tree_walk's walks took 2.6 times as long).
    mallopt(M_MXFAST, 0);
    // Without fast bins, free gives the top of the heap back to the system more often, and the next
    // structure faults those pages in again (binary_trees: 8% slower); keep up to 32 MB.
    mallopt(M_TRIM_THRESHOLD, 32 << 20);
    // Setting the trim threshold stops glibc raising the mmap threshold as large blocks are freed
    // (to 32 MB at most); without this, every large list grown went to mmap and back (lists: 10%).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
}
#else
void scr_tune_allocator(void) {}
#endif
