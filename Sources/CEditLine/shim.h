#ifndef SCR_CEDITLINE_SHIM_H
#define SCR_CEDITLINE_SHIM_H
#include <stdio.h>
#include <editline/readline.h>
#endif
