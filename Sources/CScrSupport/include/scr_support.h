#ifndef SCR_SUPPORT_H
#define SCR_SUPPORT_H

#include <stddef.h>
#include <stdlib.h>

// What scr needs of C that Swift cannot say: thread-local counters, read and written with one
// instruction each (Swift has no thread-local variables; pthread_getspecific is a call), the
// CPU's spin-loop hint, the stack's depth, a character's width on a terminal, and malloc's tuning.

// How deeply `deinit`s are nested on this thread, and how many values wait in its teardown
// worklist (see Sources/Scr/Runtime/Collector/Teardown.swift).
extern _Thread_local long scr_teardown_depth;
extern _Thread_local long scr_teardown_pending;

static inline long scr_teardown_enter(void) { return ++scr_teardown_depth; }
static inline long scr_teardown_leave(void) { return --scr_teardown_depth; }
static inline long scr_teardown_pending_count(void) { return scr_teardown_pending; }
static inline void scr_teardown_add_pending(long count) { scr_teardown_pending += count; }

// Tells the CPU the thread is spinning on a flag (x86's PAUSE, ARM's YIELD): it saves power and
// lets a sibling hardware thread run, as every spin loop should.
static inline void scr_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    __asm__ __volatile__("yield");
#endif
}

// The address of the current stack frame, for the native stack's depth check before each call (see
// currentStackAddress in ScriptExecutor.swift). Taking a Swift local's address instead made the
// compiler guard every function the check is inlined into with a stack canary.
static inline unsigned long scr_stack_address(void) { return (unsigned long)__builtin_frame_address(0); }

// Tunes the C library's malloc for a script's objects, in the `scr` command (a host embedding scr
// keeps its own settings): see System.tuneAllocator.
void scr_tune_allocator(void);

// Buffers of the interpreter's hot paths (Buffer.swift): blocks of up to SCR_BLOCK_SIZES steps of
// SCR_BLOCK_STEP bytes, once freed, wait on per-thread lists of SCR_BLOCK_LIST_DEPTH blocks each
// for the next request of their size (allocator.c says why). `bytes` may be 0; a block must be
// given back with the size it was asked for. scr_allocate never returns NULL (it aborts).
#define SCR_BLOCK_STEP 16
#define SCR_BLOCK_SIZES 16
#define SCR_BLOCK_LIST_DEPTH 32
void *scr_allocate(size_t bytes);
void scr_deallocate(void *block, size_t bytes);
// malloc that never returns NULL (it aborts), and free, for Buffer's blocks that skip the lists.
static inline void *scr_malloc(size_t bytes) {
    void *block = malloc(bytes > 0 ? bytes : 1);
    if (block == NULL) abort();
    return block;
}
static inline void scr_free(void *block) { free(block); }
// For tests: how many freed blocks this thread's lists hold, a way to give them back to malloc,
// and how many blocks the lists of threads that ended gave back.
long scr_blocks_kept(void);
void scr_release_kept_blocks(void);
long scr_blocks_freed_at_thread_end(void);

// How many terminal columns a character takes (wcwidth, which Swift's Glibc module leaves out).
int wcwidth(int character);
static inline int scr_character_width(unsigned int scalar) { return wcwidth((int)scalar); }

#endif
