#include "pty_support.h"
#include <unistd.h>
#include <stdlib.h>
#if defined(__APPLE__)
#include <util.h>
#else
#include <pty.h>
#endif

pid_t scr_spawn_in_pty(const char *path, char *const argv[], char *const envp[], int rows, int columns,
                       int *master) {
    struct winsize size = {.ws_row = rows, .ws_col = columns, .ws_xpixel = 0, .ws_ypixel = 0};
    pid_t pid = forkpty(master, NULL, NULL, &size);
    if (pid == 0) {
        execve(path, argv, envp);
        _exit(127);
    }
    return pid;
}
