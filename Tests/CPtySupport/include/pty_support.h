#ifndef SCR_PTY_SUPPORT_H
#define SCR_PTY_SUPPORT_H
#include <sys/types.h>

/// Starts `path` with `argv` and `envp` on a new pseudo-terminal of `rows` x `columns` whose
/// controlling side becomes the child's terminal. Returns the child's pid (or -1) and stores the
/// master side in `*master`.
pid_t scr_spawn_in_pty(const char *path, char *const argv[], char *const envp[], int rows, int columns,
                       int *master);

#endif
