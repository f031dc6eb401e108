#ifndef SCR_SUPPORT_H
#define SCR_SUPPORT_H

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

// How many terminal columns a character takes (wcwidth, which Swift's Glibc module leaves out).
int wcwidth(int character);
static inline int scr_character_width(unsigned int scalar) { return wcwidth((int)scalar); }

#endif
