// Preloaded under valgrind by bench/instructions. libdispatch parks the main thread of an async
// `main` in sigsuspend() with a mask in read-only memory; valgrind's rt_sigsuspend wrapper writes
// into the caller's mask and dies of SIGSEGV on the kernels that keep it read-only (seen on Linux
// 6.18 with valgrind 3.19 and 3.24). Passing a copy on the stack is the same call.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, sizeof(long));
}
