#include "scr_support.h"

_Thread_local long scr_teardown_depth = 0;
_Thread_local long scr_teardown_pending = 0;
