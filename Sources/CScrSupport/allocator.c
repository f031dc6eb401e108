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
    // One arena for every thread: what the executor makes (nodes, functions, instances) lies in the
    // same heap as what the thread that made the interpreter made (the runtime), not in a heap of its
    // own (fib 8% faster, async_fib 30%; docs/internals.md, "One heap").
    mallopt(M_ARENA_MAX, 1);
}
#else
void scr_tune_allocator(void) {}
#endif

// Small buffers: freed blocks kept per thread, by size (docs/internals.md, "Small buffers").
//
// A closure's captures and an async call's frame are each a malloc and a free. With scr's malloc
// settings (above), glibc's free costs about 95 instructions and its malloc 40, even when the block
// goes to and comes from its per-thread cache; taking a block from these lists or putting one back
// costs about 30, the call included (closures: -3.8% instructions). The lists are short (32 blocks
// of each size), so that a structure freed and built again still gets its memory from malloc, laid
// out in order, as scr_tune_allocator wants; what dies a structure at a time (an instance's
// fields) skips them (Buffer.allocateFromMalloc).
//
// Under AddressSanitizer a block on a list is poisoned, so that a use after free is still found.

#include <pthread.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/asan_interface.h>
#define SCR_POISON(block, bytes) ASAN_POISON_MEMORY_REGION(block, bytes)
#define SCR_UNPOISON(block, bytes) ASAN_UNPOISON_MEMORY_REGION(block, bytes)
#endif
#endif
#ifndef SCR_POISON
#define SCR_POISON(block, bytes) ((void)(block), (void)(bytes))
#define SCR_UNPOISON(block, bytes) ((void)(block), (void)(bytes))
#endif

struct scr_block_list {
    long count;
    void *blocks[SCR_BLOCK_LIST_DEPTH];
};

// This thread's lists, SCR_BLOCK_SIZES of them, made when it first keeps a block; NULL until then.
// On the heap, with only the pointer thread-local: as a 4 KB thread-local array they moved each
// thread's stack by as much, and empty_init ran 40% slower in half of its runs (same instructions).
static _Thread_local struct scr_block_list *lists;
// Set once the thread's lists were freed at its end: a buffer freed by a later destructor of the
// thread goes straight to malloc rather than making lists that nothing would free.
static _Thread_local int lists_ended;

static pthread_key_t lists_key;
static pthread_once_t lists_key_once = PTHREAD_ONCE_INIT;

// A zero-sized buffer is this address, never allocated: a closure that captures nothing and a frame
// without boxes make no call to malloc.
static _Alignas(16) char empty_block[16];

// How many blocks ended threads gave back to malloc (for tests).
static _Atomic long blocks_freed_at_thread_end;

// Gives this thread's kept blocks back to malloc; returns how many there were.
static long empty_lists(void) {
    long freed = 0;
    if (lists == NULL) return 0;
    for (int size = 0; size < SCR_BLOCK_SIZES; size++) {
        struct scr_block_list *list = &lists[size];
        while (list->count > 0) {
            void *block = list->blocks[--list->count];
            SCR_UNPOISON(block, (size_t)(size + 1) * SCR_BLOCK_STEP);
            free(block);
            freed++;
        }
    }
    return freed;
}

static void thread_ended(void *unused) {
    (void)unused;
    blocks_freed_at_thread_end += empty_lists();
    free(lists);
    lists = NULL;
    lists_ended = 1;
}

static void make_lists_key(void) { pthread_key_create(&lists_key, thread_ended); }

// On the first block a thread keeps: its lists, to be emptied and freed when it ends. Out of line,
// so that the common path saves no registers for it. False if there is no memory for them.
__attribute__((noinline)) static int make_lists(void) {
    if (lists_ended) return 0;
    struct scr_block_list *made = calloc(SCR_BLOCK_SIZES, sizeof(struct scr_block_list));
    if (made == NULL) return 0;
    pthread_once(&lists_key_once, make_lists_key);
    pthread_setspecific(lists_key, made);
    lists = made;
    return 1;
}

void *scr_allocate(size_t bytes) {
    if (bytes == 0) return empty_block;
    size_t size = (bytes - 1) / SCR_BLOCK_STEP;
    if (size < SCR_BLOCK_SIZES) {
        size_t rounded = (size + 1) * SCR_BLOCK_STEP;
        struct scr_block_list *all = lists;
        if (all != NULL && all[size].count > 0) {
            void *block = all[size].blocks[--all[size].count];
            SCR_UNPOISON(block, rounded);
            return block;
        }
        // Rounded up, so that the block can serve any request of its size when it comes back.
        bytes = rounded;
    }
    void *block = malloc(bytes);
    if (block == NULL) abort();
    return block;
}

void scr_deallocate(void *block, size_t bytes) {
    if (bytes == 0) return;
    size_t size = (bytes - 1) / SCR_BLOCK_STEP;
    if (size < SCR_BLOCK_SIZES && (lists != NULL || make_lists())) {
        struct scr_block_list *list = &lists[size];
        if (list->count < SCR_BLOCK_LIST_DEPTH) {
            SCR_POISON(block, (size + 1) * SCR_BLOCK_STEP);
            list->blocks[list->count++] = block;
            return;
        }
    }
    free(block);
}

long scr_blocks_kept(void) {
    long count = 0;
    if (lists == NULL) return 0;
    for (int size = 0; size < SCR_BLOCK_SIZES; size++) count += lists[size].count;
    return count;
}

void scr_release_kept_blocks(void) { empty_lists(); }

long scr_blocks_freed_at_thread_end(void) { return blocks_freed_at_thread_end; }
